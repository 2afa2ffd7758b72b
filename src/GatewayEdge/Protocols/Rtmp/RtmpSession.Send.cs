using System.Buffers;
using System.Net.Sockets;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Containers.Amf;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>Sending: one sender at a time, so command replies, control and media never interleave mid-message.</summary>
public sealed partial class RtmpSession
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly RtmpChunkWriter _writer = new();
    // Grown on first use: a connection still in its handshake (or one of ten thousand half-open ones) holds none.
    private readonly ArrayBufferWriter<byte> _out = new();
    private readonly ArrayBufferWriter<byte> _amf = new();
    private List<ArraySegment<byte>> _segments = [];
    private long _sentBytes;

    /// <summary>Builds messages with the session's chunk writer and sends them in one write.</summary>
    public async Task SendAsync(Action<RtmpChunkWriter, IBufferWriter<byte>> build, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            _out.ResetWrittenCount();
            build(_writer, _out);
            await WriteAsync(_out.WrittenMemory, cancellationToken);
            Interlocked.Add(ref _sentBytes, _out.WrittenCount);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Sends one AMF0 command message.</summary>
    public Task SendCommandAsync(int csid, uint streamId, string name, double transactionId, object? commandObject, object?[] args, CancellationToken cancellationToken) =>
        SendAsync((w, o) => WriteCommand(w, o, csid, streamId, name, transactionId, commandObject, args), cancellationToken);

    /// <summary>Writes an AMF0 command message; only inside a build passed to <see cref="SendAsync"/>,
    /// which owns the scratch buffer.</summary>
    public void WriteCommand(RtmpChunkWriter writer, IBufferWriter<byte> output, int csid, uint streamId, string name, double transactionId, object? commandObject, params object?[] args)
    {
        _amf.ResetWrittenCount();
        RtmpCommand.Write(_amf, name, transactionId, commandObject, args);
        writer.WriteMessage(output, csid, 0, RtmpMessageType.CommandAmf0, streamId, _amf.WrittenSpan);
    }

    /// <summary>Writes an AMF0 data message; only inside a build passed to <see cref="SendAsync"/>.</summary>
    public void WriteData(RtmpChunkWriter writer, IBufferWriter<byte> output, int csid, uint streamId, params object?[] values)
    {
        _amf.ResetWrittenCount();
        foreach (var value in values)
        {
            Amf0Writer.WriteValue(_amf, value);
        }
        writer.WriteMessage(output, csid, 0, RtmpMessageType.DataAmf0, streamId, _amf.WrittenSpan);
    }

    /// <summary>
    /// Sends frames as media messages on <paramref name="streamId"/> and returns the bytes sent. With
    /// the play stream id and the session's chunk size it sends each frame's shared
    /// <see cref="RtmpWireForm"/> in one vectored send, no copy; otherwise it chunks a copy. A send
    /// that waits past <paramref name="timeout"/> throws <see cref="TimeoutException"/>.
    /// </summary>
    public async ValueTask<int> SendFramesAsync(IReadOnlyList<MediaFrame> frames, uint streamId, int chunkSize, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            int bytes;
            if (streamId == RtmpWireForm.PlayStreamId && chunkSize == _writer.ChunkSize)
            {
                bytes = await SendSharedFormsAsync(frames, chunkSize, timeout, cancellationToken);
            }
            else
            {
                _out.ResetWrittenCount();
                for (var i = 0; i < frames.Count; i++)
                {
                    var frame = frames[i];
                    RtmpChunkWriter.WriteMessageType0(_out, RtmpWireForm.ChunkStreamFor(frame.Type), frame.Timestamp, frame.Type, streamId, frame.Payload.Span, _writer.ChunkSize);
                }
                bytes = _out.WrittenCount;
                var send = WriteAsync(_out.WrittenMemory, cancellationToken);
                if (timeout == Timeout.InfiniteTimeSpan)
                {
                    await send;
                }
                else
                {
                    await send.AsTask().WaitAsync(timeout, cancellationToken);
                }
            }
            Interlocked.Add(ref _sentBytes, bytes);
            return bytes;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Removes the first <paramref name="count"/> bytes from a list of segments.</summary>
    internal static void DropSentBytes(List<ArraySegment<byte>> segments, int count)
    {
        var whole = 0;
        while (whole < segments.Count && count >= segments[whole].Count)
        {
            count -= segments[whole].Count;
            whole++;
        }
        segments.RemoveRange(0, whole);
        if (count > 0)
        {
            segments[0] = segments[0][count..];
        }
    }

    /// <summary>Sends raw bytes (the handshake).</summary>
    private async Task SendRawAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await WriteAsync(data, cancellationToken);
            Interlocked.Add(ref _sentBytes, data.Length);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>One write on the socket, or through TLS for RTMPS.</summary>
    private ValueTask<int> WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        _tls is null ? _socket.SendAsync(data, SocketFlags.None, cancellationToken) : WriteTlsAsync(data, cancellationToken);

    private async ValueTask<int> WriteTlsAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await _tls!.WriteAsync(data, cancellationToken);
        return data.Length;
    }

    /// <summary>Called under the send lock.</summary>
    private async ValueTask<int> SendSharedFormsAsync(IReadOnlyList<MediaFrame> frames, int chunkSize, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_tls is not null)
        {
            return await SendSharedFormsOverTlsAsync(frames, chunkSize, timeout, cancellationToken);
        }
        var segments = _segments;
        try
        {
            var bytes = 0;
            for (var i = 0; i < frames.Count; i++)
            {
                var form = RtmpWireForm.Of(frames[i], chunkSize);
                segments.AddRange(form.Segments);
                bytes += form.TotalBytes;
            }
            // A non-blocking socket (players) tries a plain send first: a batch that fits in the
            // kernel buffer (nearly every one) goes out in this call, without the Task, event args
            // and timeout timer of an async send; only the rest of a batch that did not fit waits.
            var sent = 0;
            if (bytes > 0 && !_socket.Blocking)
            {
                sent = _socket.Send(segments, SocketFlags.None, out var error);
                if (error is not (SocketError.Success or SocketError.WouldBlock))
                {
                    throw new SocketException((int)error);
                }
            }
            if (sent < bytes)
            {
                DropSentBytes(segments, sent);
                await _socket.SendAsync(segments, SocketFlags.None).WaitAsync(timeout, cancellationToken);
            }
            segments.Clear();
            return bytes;
        }
        catch
        {
            // A send that timed out or was cancelled may still be reading the list: leave it that one.
            _segments = new(128);
            throw;
        }
    }

    /// <summary>RTMPS: the same shared wire forms, gathered into one buffer so that a batch becomes a
    /// few TLS records instead of one per slice. Called under the send lock.</summary>
    private async ValueTask<int> SendSharedFormsOverTlsAsync(IReadOnlyList<MediaFrame> frames, int chunkSize, TimeSpan timeout, CancellationToken cancellationToken)
    {
        _out.ResetWrittenCount();
        for (var i = 0; i < frames.Count; i++)
        {
            foreach (var segment in RtmpWireForm.Of(frames[i], chunkSize).Segments)
            {
                _out.Write(segment.AsSpan());
            }
        }
        await _tls!.WriteAsync(_out.WrittenMemory, cancellationToken).AsTask().WaitAsync(timeout, cancellationToken);
        return _out.WrittenCount;
    }
}
