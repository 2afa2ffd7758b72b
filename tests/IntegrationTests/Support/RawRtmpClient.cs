using System.Buffers;
using System.Net.Sockets;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Media.Containers.Amf;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>A bare TCP peer that speaks just enough RTMP to send the server bad input on purpose.</summary>
public sealed class RawRtmpClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly RtmpChunkReader _reader = new();
    private readonly RtmpChunkWriter _writer = new();
    private byte[] _pending = [];

    private RawRtmpClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawRtmpClient> ConnectAsync(int port, int receiveBufferSize = 0)
    {
        var tcp = new TcpClient();
        if (receiveBufferSize > 0)
        {
            tcp.ReceiveBufferSize = receiveBufferSize;
        }
        await tcp.ConnectAsync("127.0.0.1", port);
        return new RawRtmpClient(tcp);
    }

    public async Task HandshakeAsync()
    {
        await SendAsync(RtmpHandshake.CreateClientC0C1(complex: true));
        var s0s1s2 = new byte[RtmpHandshake.S0S1S2Size];
        await _stream.ReadExactlyAsync(s0s1s2).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await SendAsync(s0s1s2.AsSpan(1, RtmpHandshake.C2Size).ToArray());
    }

    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    /// <summary>Sends one message, chunked at 128 bytes like a fresh client.</summary>
    public Task SendMessageAsync(int csid, byte typeId, uint streamId, ReadOnlySpan<byte> payload)
    {
        var output = new ArrayBufferWriter<byte>();
        _writer.WriteMessage(output, csid, 0, typeId, streamId, payload);
        return SendAsync(output.WrittenSpan.ToArray());
    }

    public Task SendCommandAsync(string name, double transactionId, object? commandObject, params object?[] args)
    {
        var payload = new ArrayBufferWriter<byte>();
        RtmpCommand.Write(payload, name, transactionId, commandObject, args);
        return SendMessageAsync(3, RtmpMessageType.CommandAmf0, name is "publish" or "play" ? 1u : 0u, payload.WrittenSpan);
    }

    public Task ConnectAppAsync(int port, string app = "live") => SendCommandAsync("connect", 1, new AmfObject
    {
        { "app", app },
        { "tcUrl", $"rtmp://127.0.0.1:{port}/{app}" },
        { "objectEncoding", 0.0 },
    });

    /// <summary>Reads messages until a command with this name arrives.</summary>
    public async Task<RtmpCommand> ReadCommandAsync(string name, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(_pending);
            while (_reader.TryReadMessage(ref sequence, out var message))
            {
                try
                {
                    if (message.TypeId == RtmpMessageType.SetChunkSize)
                    {
                        _reader.SetChunkSize((int)RtmpControl.ReadUInt32BE(message.Payload));
                    }
                    else if (message.TypeId == RtmpMessageType.CommandAmf0)
                    {
                        var command = RtmpCommand.Parse(message.Payload, amf3: false);
                        if (command.Name == name)
                        {
                            _pending = sequence.ToArray();
                            return command;
                        }
                    }
                }
                finally
                {
                    message.ReturnBuffer();
                }
            }
            _pending = sequence.ToArray();
            var read = await _stream.ReadAsync(buffer, cts.Token);
            if (read == 0)
            {
                throw new IOException($"server closed before '{name}'");
            }
            _pending = [.. _pending, .. buffer.AsSpan(0, read)];
        }
    }

    /// <summary>Sets the chunk size this client sends with, telling the server first.</summary>
    public async Task SetChunkSizeAsync(int size)
    {
        var payload = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)size);
        await SendMessageAsync(2, RtmpMessageType.SetChunkSize, 0, payload);
        _writer.ChunkSize = size;
    }

    /// <summary>Reads whatever bytes arrive next, unparsed (0 once the server closed).</summary>
    public async Task<int> ReadRawAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await _stream.ReadAsync(buffer, cancellationToken);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>True when the server closes the connection within the timeout.</summary>
    public async Task<bool> WaitClosedAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        try
        {
            while (await _stream.ReadAsync(buffer, cts.Token) > 0)
            {
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
