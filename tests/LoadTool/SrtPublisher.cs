using System.Buffers;
using System.Net;
using OrleansLive.GatewayEdge.Protocols.Srt.Native;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.Media.Containers.MpegTs;

namespace OrleansLive.LoadTool;

/// <summary>
/// A <see cref="Publisher"/> over SRT, as an encoder sends it: each frame goes through the format
/// library's <see cref="TsMuxer"/> and out as live messages of up to 7 TS packets (1316 bytes), the
/// last one of a frame shorter rather than held back for the next frame.
/// </summary>
internal sealed class SrtPublisher : Publisher, ISrtCaller
{
    private readonly SrtCallerLoop _loop;
    private readonly IPEndPoint _remote;
    private readonly string _streamId;
    private readonly TsMuxer _muxer = new();
    private readonly ArrayBufferWriter<byte> _ts = new(64 * 1024);
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? _ended;
    private int _socket = LibSrt.InvalidSocket;
    private long _sendDrops;

    public SrtPublisher(SrtUrl url, IPEndPoint remote, string streamId, SrtCallerLoop loop, IFrameSource source)
        : base((url with { StreamId = streamId }).ToString(), source)
    {
        _loop = loop;
        _remote = remote;
        _streamId = streamId;
    }

    /// <summary>Messages libsrt's full send buffer refused (the stream lost them).</summary>
    public long SendDrops => Interlocked.Read(ref _sendDrops);

    void ISrtCaller.Connected() => _connected.TrySetResult();

    void ISrtCaller.Ended(string reason)
    {
        _ended = reason;
        _connected.TrySetException(new IOException(reason));
    }

    void ISrtCaller.Received(ReadOnlySpan<byte> message, long arrived)
    {
        // The server sends a publisher nothing; anything that comes is ignored.
    }

    protected override async Task ConnectAsync(CancellationToken cancellationToken)
    {
        Stage = "connect";
        _socket = _loop.Open(this, _remote, _streamId);
        await _connected.Task.WaitAsync(cancellationToken);
    }

    protected override ValueTask SendFrameAsync(SourceFrame frame, CancellationToken cancellationToken)
    {
        if (_ended is { } reason)
        {
            throw new IOException(reason);
        }
        _ts.ResetWrittenCount();
        _muxer.Write(_ts, FlvSampleHeaders.ToSample(frame.Type, frame.Timestamp, frame.Payload));
        var data = _ts.WrittenSpan;
        while (!data.IsEmpty)
        {
            var message = data[..Math.Min(SrtCallerLoop.PayloadSize, data.Length)];
            data = data[message.Length..];
            if (!SrtCallerLoop.Send(_socket, message))
            {
                Interlocked.Increment(ref _sendDrops);
            }
        }
        return ValueTask.CompletedTask;
    }

    protected override ValueTask CloseAsync()
    {
        _loop.Close(_socket);
        return ValueTask.CompletedTask;
    }
}
