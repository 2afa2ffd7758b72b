using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.UnitTests;

/// <summary>
/// The session core under both RTMP ends, against a hand-driven peer over loopback TCP: each case runs
/// with the session as the server (it accepts the handshake) and as the client (it starts it).
/// </summary>
public sealed class RtmpSessionTests
{
    private const int MaxMessageBytes = 1 << 20;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_ping_request_is_answered_with_its_timestamp_and_not_returned(bool server)
    {
        await using var pair = await Pair.OpenAsync(server);
        await pair.Peer.SendAsync((w, o) =>
        {
            RtmpControl.PingRequest(w, o, 0x01020304);
            w.WriteMessage(o, 4, 0, RtmpMessageType.Audio, 1, [0xAF, 1, 2]);
        });

        using (var message = new Returned(await pair.Session.ReadMessageAsync(pair.Deadline)))
        {
            Assert.Equal(RtmpMessageType.Audio, message.Value.TypeId);
        }
        var answer = await pair.Peer.ReadMessageAsync(pair.Deadline);
        Assert.Equal(RtmpMessageType.UserControl, answer.TypeId);
        Assert.True(RtmpControl.TryParseUserControl(answer.Payload, out var eventType, out var timestamp));
        Assert.Equal((RtmpUserControlEvent.PingResponse, 0x01020304u), (eventType, timestamp));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Received_bytes_are_acknowledged_once_per_window_the_peer_asked_for(bool server)
    {
        const uint Window = 5000;
        await using var pair = await Pair.OpenAsync(server);
        await pair.Peer.SendAsync((w, o) => RtmpControl.WindowAckSize(w, o, Window));
        var payload = new byte[1000];
        for (var i = 0; i < 12; i++)
        {
            await pair.Peer.SendAsync((w, o) => w.WriteMessage(o, 4, (uint)i, RtmpMessageType.Video, 1, payload));
            using var message = new Returned(await pair.Session.ReadMessageAsync(pair.Deadline));
            Assert.Equal(payload.Length, message.Value.Length);
        }
        var received = pair.Session.RecvBytes;

        // After its last read the session owes no acknowledgement, so the last one is within a window.
        var acks = new List<long>();
        while (acks.Count == 0 || acks[^1] <= received - Window)
        {
            var ack = await pair.Peer.ReadMessageAsync(pair.Deadline);
            Assert.Equal(RtmpMessageType.Acknowledgement, ack.TypeId);
            acks.Add(RtmpControl.ReadUInt32BE(ack.Payload));
        }
        Assert.InRange(acks[0], Window, Window + 1100);
        Assert.True(acks[^1] <= received, $"last acknowledgement at {acks[^1]} of {received}");
        // Each one as soon as a window has passed since the last: at most one message later.
        Assert.All(acks.Zip(acks.Skip(1)), a => Assert.InRange(a.Second - a.First, Window, Window + 1100));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Chunk_size_and_abort_from_the_peer_apply_to_the_chunks_after_them(bool server)
    {
        await using var pair = await Pair.OpenAsync(server);
        var large = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        await pair.Peer.SendAsync((w, o) =>
        {
            RtmpControl.SetChunkSize(w, o, 4096);
            w.WriteMessage(o, 4, 0, RtmpMessageType.Video, 1, large);
        });
        using (var message = new Returned(await pair.Session.ReadMessageAsync(pair.Deadline)))
        {
            Assert.Equal(large, message.Value.Payload.ToArray());
        }

        // The first chunk of a 6000-byte message, then Abort: the next message on that chunk stream
        // starts afresh.
        var partial = new ArrayBufferWriter<byte>();
        pair.Peer.Writer.WriteMessage(partial, 9, 0, RtmpMessageType.Video, 1, new byte[6000]);
        pair.Peer.Writer.Reset(9);
        await pair.Peer.SendRawAsync(partial.WrittenMemory[..(12 + 4096)]);
        var small = new byte[] { 0x17, 1, 2, 3 };
        await pair.Peer.SendAsync((w, o) =>
        {
            RtmpControl.Abort(w, o, 9);
            w.WriteMessage(o, 9, 40, RtmpMessageType.Video, 1, small);
        });
        using (var message = new Returned(await pair.Session.ReadMessageAsync(pair.Deadline)))
        {
            Assert.Equal(40u, message.Value.Timestamp);
            Assert.Equal(small, message.Value.Payload.ToArray());
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_control_message_too_short_is_a_protocol_error(bool server)
    {
        await using var pair = await Pair.OpenAsync(server);
        await pair.Peer.SendAsync((w, o) => w.WriteMessage(o, 2, 0, RtmpMessageType.WindowAckSize, 0, [0, 1]));
        await Assert.ThrowsAsync<RtmpProtocolException>(async () => await pair.Session.ReadMessageAsync(pair.Deadline));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_close_between_messages_ends_the_read_and_a_close_mid_chunk_is_an_error(bool server)
    {
        await using (var pair = await Pair.OpenAsync(server))
        {
            await pair.Peer.SendAsync((w, o) => w.WriteMessage(o, 4, 0, RtmpMessageType.Audio, 1, [0xAF, 1]));
            pair.Peer.Shutdown();
            new Returned(await pair.Session.ReadMessageAsync(pair.Deadline)).Dispose();
            Assert.Null(await pair.Session.ReadMessageAsync(pair.Deadline));
        }
        await using (var pair = await Pair.OpenAsync(server))
        {
            var whole = new ArrayBufferWriter<byte>();
            pair.Peer.Writer.WriteMessage(whole, 4, 0, RtmpMessageType.Video, 1, new byte[500]);
            await pair.Peer.SendRawAsync(whole.WrittenMemory[..200]);
            pair.Peer.Shutdown();
            await Assert.ThrowsAsync<RtmpProtocolException>(async () => await pair.Session.ReadMessageAsync(pair.Deadline));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Commands_and_frames_go_out_whole_and_are_counted(bool server)
    {
        await using var pair = await Pair.OpenAsync(server);
        var handshakeSent = pair.Session.SentBytes;
        await pair.Session.SendCommandAsync(3, 0, "createStream", 2, null, [], pair.Deadline);
        var command = await pair.Peer.ReadMessageAsync(pair.Deadline);
        var parsed = RtmpCommand.Parse(command.Payload, amf3: false);
        Assert.Equal(("createStream", 2.0), (parsed.Name, parsed.TransactionId));

        var payload = Enumerable.Range(0, 700).Select(i => (byte)i).ToArray();
        payload[0] = 0x27;
        var frame = MediaFrame.Copy(FrameTypes.Video, 80, payload);
        try
        {
            // Play stream id and the session's chunk size: the shared wire form; another stream id: a copy.
            var shared = await pair.Session.SendFramesAsync([frame], RtmpWireForm.PlayStreamId, RtmpChunkWriter.DefaultChunkSize, Timeout.InfiniteTimeSpan, pair.Deadline);
            Assert.Equal(RtmpWireForm.Of(frame, RtmpChunkWriter.DefaultChunkSize).TotalBytes, shared);
            var copied = await pair.Session.SendFramesAsync([frame], 7, RtmpChunkWriter.DefaultChunkSize, TimeSpan.FromSeconds(10), pair.Deadline);
            foreach (var streamId in new[] { RtmpWireForm.PlayStreamId, 7u })
            {
                var media = await pair.Peer.ReadMessageAsync(pair.Deadline);
                Assert.Equal((RtmpMessageType.Video, 80u, streamId), (media.TypeId, media.Timestamp, media.StreamId));
                Assert.Equal(payload, media.Payload.ToArray());
            }
            Assert.Equal(handshakeSent + command.Length + 12 + shared + copied, pair.Session.SentBytes);
        }
        finally
        {
            frame.Release();
        }
    }

    [Fact]
    public async Task A_player_batch_that_fits_the_socket_buffer_goes_out_without_allocating()
    {
        await using var pair = await Pair.OpenAsync(sessionIsServer: true);
        pair.SessionSocket.Blocking = false;
        var payload = new byte[200];
        payload[0] = 0x27;
        var frame = MediaFrame.Copy(FrameTypes.Video, 0, payload);
        var batch = new List<MediaFrame> { frame };
        try
        {
            async Task<long> SendAsync(int rounds)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                for (var i = 0; i < rounds; i++)
                {
                    await pair.Session.SendFramesAsync(batch, RtmpWireForm.PlayStreamId, RtmpChunkWriter.DefaultChunkSize, TimeSpan.FromSeconds(10), pair.Deadline);
                }
                return GC.GetAllocatedBytesForCurrentThread() - before;
            }

            await SendAsync(10);
            // 100 batches of about 220 bytes: well inside the kernel's socket buffers, so no send waits.
            Assert.Equal(0, await SendAsync(100));
        }
        finally
        {
            frame.Release();
        }
    }

    /// <summary>Hands a message's pooled buffer back when the test is done with it.</summary>
    private readonly struct Returned(RtmpMessage? message) : IDisposable
    {
        public RtmpMessage Value { get; } = message ?? throw new InvalidOperationException("the session ended the stream");

        public void Dispose() => Value.ReturnBuffer();
    }

    /// <summary>A session and a hand-driven peer on the two ends of a loopback connection, handshake done.</summary>
    private sealed class Pair(Socket sessionSocket, RtmpSession session, RawPeer peer) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(20));

        public Socket SessionSocket => sessionSocket;

        public RtmpSession Session => session;

        public RawPeer Peer => peer;

        public CancellationToken Deadline => _deadline.Token;

        public static async Task<Pair> OpenAsync(bool sessionIsServer)
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var connecting = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await connecting.ConnectAsync(listener.LocalEndPoint!);
            var accepted = await listener.AcceptAsync();
            accepted.NoDelay = true;
            var (mine, theirs) = sessionIsServer ? (accepted, connecting) : (connecting, accepted);
            var pair = new Pair(mine, new RtmpSession(mine, MaxMessageBytes, zeroByteReads: sessionIsServer), new RawPeer(theirs));
            if (sessionIsServer)
            {
                await Task.WhenAll(pair.Session.AcceptHandshakeAsync(pair.Deadline), pair.Peer.HandshakeAsClientAsync(pair.Deadline));
            }
            else
            {
                await Task.WhenAll(pair.Session.HandshakeAsync(pair.Deadline), pair.Peer.HandshakeAsServerAsync(pair.Deadline));
            }
            return pair;
        }

        public async ValueTask DisposeAsync()
        {
            await Session.DisposeAsync();
            await Peer.DisposeAsync();
            _deadline.Dispose();
        }
    }

    /// <summary>The other end, written by hand with the chunk writer and read with the chunk reader.</summary>
    private sealed class RawPeer(Socket socket) : IAsyncDisposable
    {
        private readonly PipeReader _input = PipeReader.Create(new NetworkStream(socket, ownsSocket: false));
        private readonly RtmpChunkReader _reader = new();

        public RtmpChunkWriter Writer { get; } = new();

        public async Task HandshakeAsClientAsync(CancellationToken cancellationToken)
        {
            await SendRawAsync(RtmpHandshake.CreateClientC0C1(complex: false));
            var s0s1s2 = await ReadExactlyAsync(RtmpHandshake.S0S1S2Size, cancellationToken);
            await SendRawAsync(s0s1s2.AsMemory(1, RtmpHandshake.C2Size));
        }

        public async Task HandshakeAsServerAsync(CancellationToken cancellationToken)
        {
            var c0c1 = await ReadExactlyAsync(RtmpHandshake.C0C1Size, cancellationToken);
            await SendRawAsync(RtmpHandshake.CreateResponse(c0c1, out _));
            await ReadExactlyAsync(RtmpHandshake.C2Size, cancellationToken);
        }

        public async Task SendAsync(Action<RtmpChunkWriter, IBufferWriter<byte>> build)
        {
            var output = new ArrayBufferWriter<byte>();
            build(Writer, output);
            await SendRawAsync(output.WrittenMemory);
        }

        public async Task SendRawAsync(ReadOnlyMemory<byte> bytes) => await socket.SendAsync(bytes, SocketFlags.None);

        public void Shutdown() => socket.Shutdown(SocketShutdown.Send);

        public async Task<RtmpMessage> ReadMessageAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var result = await _input.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                var found = _reader.TryReadMessage(ref buffer, out var message);
                _input.AdvanceTo(buffer.Start, found ? buffer.Start : buffer.End);
                if (found)
                {
                    return message!;
                }
                Assert.False(result.IsCompleted, "the session closed the connection");
            }
        }

        public async ValueTask DisposeAsync()
        {
            socket.Dispose();
            await _input.CompleteAsync();
            _reader.Dispose();
        }

        private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
        {
            var result = await _input.ReadAtLeastAsync(count, cancellationToken);
            Assert.True(result.Buffer.Length >= count, "the session closed during the handshake");
            var bytes = result.Buffer.Slice(0, count).ToArray();
            _input.AdvanceTo(result.Buffer.GetPosition(count));
            return bytes;
        }
    }
}
