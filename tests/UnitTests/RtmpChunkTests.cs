using System.Buffers;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Media.Containers.Amf;

namespace OrleansLive.UnitTests;

public class RtmpChunkTests
{
    private sealed record Sent(int Csid, uint Timestamp, byte TypeId, uint StreamId, byte[] Payload);

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }

    /// <summary>Feeds the bytes to a reader in pieces of <paramref name="feedSize"/>, keeping what the
    /// reader leaves unconsumed as separate segments (like a pipe would), and applies SetChunkSize.</summary>
    private static List<RtmpMessage> ReadAll(byte[] data, int feedSize, RtmpChunkReader? reader = null)
    {
        var owned = reader is null;
        reader ??= new RtmpChunkReader();
        var messages = new List<RtmpMessage>();
        var pending = new List<byte[]>();
        for (var offset = 0; offset < data.Length; offset += feedSize)
        {
            pending.Add(data.AsSpan(offset, Math.Min(feedSize, data.Length - offset)).ToArray());
            var buffer = ToSequence(pending);
            var before = buffer.Length;
            while (reader.TryReadMessage(ref buffer, out var message))
            {
                if (message.TypeId == RtmpMessageType.SetChunkSize)
                {
                    reader.SetChunkSize((int)RtmpControl.ReadUInt32BE(message.Payload));
                }

                messages.Add(message);
            }

            pending = buffer.IsEmpty ? [] : [buffer.ToArray()];
        }

        Assert.Empty(pending);
        Assert.Equal(data.Length, reader.BytesConsumed);
        if (owned)
        {
            reader.Dispose();
        }

        return messages;
    }

    private static ReadOnlySequence<byte> ToSequence(List<byte[]> parts)
    {
        if (parts.Count == 1)
        {
            return new ReadOnlySequence<byte>(parts[0]);
        }

        Segment? first = null;
        Segment? last = null;
        foreach (var part in parts)
        {
            last = new Segment(part, last);
            first ??= last;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private static byte[] Payload(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] WriteAll(RtmpChunkWriter writer, IEnumerable<Sent> messages)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var m in messages)
        {
            writer.WriteMessage(output, m.Csid, m.Timestamp, m.TypeId, m.StreamId, m.Payload);
        }

        return output.WrittenSpan.ToArray();
    }

    private static void AssertSame(IReadOnlyList<Sent> expected, IReadOnlyList<RtmpMessage> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Csid, actual[i].ChunkStreamId);
            Assert.Equal(expected[i].Timestamp, actual[i].Timestamp);
            Assert.Equal(expected[i].TypeId, actual[i].TypeId);
            Assert.Equal(expected[i].StreamId, actual[i].StreamId);
            Assert.Equal(expected[i].Payload, actual[i].Payload.ToArray());
        }
    }

    private static int Fmt(byte[] bytes, int offset = 0) => bytes[offset] >> 6;

    private static byte[] WriteOne(RtmpChunkWriter writer, Sent m) => WriteAll(writer, [m]);

    [Fact]
    public void Writer_picks_the_smallest_header_and_reader_follows()
    {
        var writer = new RtmpChunkWriter();
        var sent = new List<Sent>
        {
            new(4, 1000, RtmpMessageType.Video, 1, Payload(10, 1)), // fmt 0: new chunk stream
            new(4, 1040, RtmpMessageType.Video, 1, Payload(20, 2)), // fmt 1: length changed
            new(4, 1100, RtmpMessageType.Video, 1, Payload(20, 3)), // fmt 2: new delta (60)
            new(4, 1160, RtmpMessageType.Video, 1, Payload(20, 4)), // fmt 3: same delta
            new(4, 1220, RtmpMessageType.Audio, 1, Payload(20, 5)), // fmt 1: type changed
            new(4, 1220, RtmpMessageType.Audio, 2, Payload(20, 6)), // fmt 0: stream id changed
            new(4, 100, RtmpMessageType.Audio, 2, Payload(20, 7)), // fmt 0: timestamp went back
        };

        var expectedFmts = new[] { 0, 1, 2, 3, 1, 0, 0 };
        var expectedHeaderSizes = new[] { 12, 8, 4, 1, 8, 12, 12 };
        var all = new List<byte>();
        for (var i = 0; i < sent.Count; i++)
        {
            var bytes = WriteOne(writer, sent[i]);
            Assert.Equal(expectedFmts[i], Fmt(bytes));
            Assert.Equal(expectedHeaderSizes[i] + sent[i].Payload.Length, bytes.Length);
            all.AddRange(bytes);
        }

        AssertSame(sent, ReadAll([.. all], all.Count));
    }

    [Fact]
    public void Fmt3_after_fmt0_takes_the_timestamp_as_delta()
    {
        // Per the spec a fmt 3 message after a fmt 0 one uses the fmt 0 timestamp as its delta.
        var writer = new RtmpChunkWriter();
        var sent = new List<Sent>
        {
            new(5, 100, RtmpMessageType.Audio, 1, Payload(8, 1)),
            new(5, 200, RtmpMessageType.Audio, 1, Payload(8, 2)),
            new(5, 300, RtmpMessageType.Audio, 1, Payload(8, 3)),
        };
        var first = WriteOne(writer, sent[0]);
        var second = WriteOne(writer, sent[1]);
        var third = WriteOne(writer, sent[2]);
        Assert.Equal(0, Fmt(first));
        Assert.Equal(3, Fmt(second));
        Assert.Equal(3, Fmt(third));
        AssertSame(sent, ReadAll([.. first, .. second, .. third], 1));
    }

    [Fact]
    public void Fmt3_starting_a_message_reuses_the_previous_delta()
    {
        // Hand-built: fmt 0 at ts 10 (length 1), fmt 2 delta 5, then two fmt 3 messages.
        var bytes = Convert.FromHexString(
            "04" + "00000A" + "000001" + "08" + "01000000" + "AA" +
            "84" + "000005" + "BB" +
            "C4" + "CC" +
            "C4" + "DD");
        var messages = ReadAll(bytes, bytes.Length);
        Assert.Equal(new uint[] { 10, 15, 20, 25 }, messages.Select(m => m.Timestamp));
        Assert.Equal(new byte[] { 0xAA, 0xBB, 0xCC, 0xDD }, messages.Select(m => m.Payload[0]));
        Assert.All(messages, m => Assert.Equal(1u, m.StreamId));
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(63, 1)]
    [InlineData(64, 2)]
    [InlineData(319, 2)]
    [InlineData(320, 3)]
    [InlineData(65599, 3)]
    public void Basic_header_sizes_round_trip(int csid, int basicSize)
    {
        Assert.Equal(basicSize, RtmpChunkWriter.BasicHeaderSize(csid));
        var writer = new RtmpChunkWriter();
        var sent = new List<Sent>
        {
            new(csid, 0, RtmpMessageType.Video, 1, Payload(300, csid)),
            new(csid, 33, RtmpMessageType.Video, 1, Payload(300, csid + 1)),
        };
        var bytes = WriteAll(writer, sent);

        // 300 bytes in 128-byte chunks: fmt 0 + 2 continuations, then fmt 2 + 2 continuations.
        Assert.Equal((basicSize + 11) + (basicSize + 3) + 4 * basicSize + 600, bytes.Length);
        AssertSame(sent, ReadAll(bytes, 7));
    }

    [Fact]
    public void Basic_header_bytes_for_two_and_three_byte_forms()
    {
        Span<byte> header = stackalloc byte[RtmpChunkWriter.MaxHeaderSize];
        Assert.Equal(2, RtmpChunkWriter.WriteHeader3(header, 64, 0));
        Assert.Equal(new byte[] { 0xC0, 0x00 }, header[..2].ToArray());
        Assert.Equal(3, RtmpChunkWriter.WriteHeader3(header, 320, 0));
        Assert.Equal(new byte[] { 0xC1, 0x00, 0x01 }, header[..3].ToArray());
        Assert.Equal(3, RtmpChunkWriter.WriteHeader3(header, 65599, 0));
        Assert.Equal(new byte[] { 0xC1, 0xFF, 0xFF }, header[..3].ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => RtmpChunkWriter.BasicHeaderSize(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => RtmpChunkWriter.BasicHeaderSize(65600));
    }

    [Fact]
    public void Header0_layout()
    {
        Span<byte> header = stackalloc byte[RtmpChunkWriter.MaxHeaderSize];
        var n = RtmpChunkWriter.WriteHeader0(header, 6, 0x123456, 0x000102, RtmpMessageType.Video, 0x01020304);
        Assert.Equal(12, n);
        Assert.Equal(Convert.FromHexString("061234560001020904030201"), header[..12].ToArray());

        n = RtmpChunkWriter.WriteHeader0(header, 6, 0x01000000, 5, RtmpMessageType.Audio, 1);
        Assert.Equal(16, n);
        Assert.Equal(Convert.FromHexString("06FFFFFF000005080100000001000000"), header[..16].ToArray());
    }

    [Fact]
    public void Extended_timestamps_on_first_and_continuation_chunks()
    {
        var writer = new RtmpChunkWriter();
        var sent = new List<Sent>
        {
            new(6, 0x01000000, RtmpMessageType.Video, 1, Payload(300, 1)), // fmt 0, extended
            new(6, 0x02000000, RtmpMessageType.Video, 1, Payload(300, 2)), // fmt 3 (delta == first timestamp), extended
            new(6, 0x02000010, RtmpMessageType.Video, 1, Payload(300, 3)), // fmt 2, small delta: not extended
            new(6, 0x03000010, RtmpMessageType.Video, 1, Payload(300, 4)), // fmt 2, delta 0x1000000: extended
            new(6, 0xFFFFFF, RtmpMessageType.Video, 1, Payload(10, 5)), // fmt 0, exactly 0xFFFFFF: extended
        };
        var first = WriteOne(writer, sent[0]);

        // fmt 0 header with 0xFFFFFF, extended field, 128 bytes, then fmt 3 + extended repeated.
        Assert.Equal(Convert.FromHexString("06FFFFFF00012C090100000001000000"), first[..16]);
        Assert.Equal(Convert.FromHexString("C601000000"), first[(16 + 128)..(16 + 128 + 5)]);
        Assert.Equal(16 + 2 * 5 + 300, first.Length);

        var second = WriteOne(writer, sent[1]);
        Assert.Equal(Convert.FromHexString("C601000000"), second[..5]);
        Assert.Equal(3 * 5 + 300, second.Length);

        var third = WriteOne(writer, sent[2]);
        Assert.Equal(Convert.FromHexString("86000010"), third[..4]);
        Assert.Equal(4 + 2 + 300, third.Length);

        var fourth = WriteOne(writer, sent[3]);
        Assert.Equal(Convert.FromHexString("86FFFFFF01000000"), fourth[..8]);
        Assert.Equal(8 + 2 * 5 + 300, fourth.Length);

        var fifth = WriteOne(writer, sent[4]);
        Assert.Equal(Convert.FromHexString("06FFFFFF00000A090100000000FFFFFF"), fifth[..16]);

        byte[] all = [.. first, .. second, .. third, .. fourth, .. fifth];
        AssertSame(sent, ReadAll(all, all.Length));
        AssertSame(sent, ReadAll(all, 1));
    }

    [Fact]
    public void Continuation_chunks_without_the_repeated_extended_timestamp_are_tolerated()
    {
        // Some encoders leave the extended field out of fmt 3 continuations.
        var payload = Payload(200, 9);
        byte[] bytes = [.. Convert.FromHexString("06FFFFFF0000C8090100000001000000"), .. payload[..128], 0xC6, .. payload[128..]];
        var message = Assert.Single(ReadAll(bytes, 1));
        Assert.Equal(0x01000000u, message.Timestamp);
        Assert.Equal(payload, message.Payload.ToArray());
    }

    [Fact]
    public void Interleaved_chunks_of_two_chunk_streams()
    {
        var a = Payload(300, 1);
        var b = Payload(300, 2);
        var output = new ArrayBufferWriter<byte>();
        var header = new byte[RtmpChunkWriter.MaxHeaderSize];

        void Chunk(int length, ReadOnlySpan<byte> data)
        {
            output.Write(header.AsSpan(0, length));
            output.Write(data);
        }

        Chunk(RtmpChunkWriter.WriteHeader0(header, 4, 40, 300, RtmpMessageType.Audio, 1), a[..128]);
        Chunk(RtmpChunkWriter.WriteHeader0(header, 6, 33, 300, RtmpMessageType.Video, 1), b[..128]);
        Chunk(RtmpChunkWriter.WriteHeader3(header, 4, 40), a[128..256]);
        Chunk(RtmpChunkWriter.WriteHeader3(header, 6, 33), b[128..256]);
        Chunk(RtmpChunkWriter.WriteHeader3(header, 6, 33), b[256..]);
        Chunk(RtmpChunkWriter.WriteHeader3(header, 4, 40), a[256..]);

        var bytes = output.WrittenSpan.ToArray();
        var expected = new List<Sent>
        {
            new(6, 33, RtmpMessageType.Video, 1, b),
            new(4, 40, RtmpMessageType.Audio, 1, a),
        };
        AssertSame(expected, ReadAll(bytes, bytes.Length));
        AssertSame(expected, ReadAll(bytes, 1));
    }

    [Fact]
    public void Chunk_size_changes_apply_to_following_chunks()
    {
        var writer = new RtmpChunkWriter();
        var output = new ArrayBufferWriter<byte>();
        var big = Payload(10_000, 1);
        writer.WriteMessage(output, 4, 0, RtmpMessageType.Video, 1, big);
        RtmpControl.SetChunkSize(writer, output, 4096);
        writer.WriteMessage(output, 4, 40, RtmpMessageType.Video, 1, big);
        RtmpControl.SetChunkSize(writer, output, 1);
        writer.WriteMessage(output, 4, 80, RtmpMessageType.Video, 1, big[..5]);
        Assert.Equal(1, writer.ChunkSize);

        var bytes = output.WrittenSpan.ToArray();
        // 128-byte chunks: 78 continuation headers, fmt 0; SetChunkSize: fmt 0; 4096-byte chunks: 2, fmt 2;
        // SetChunkSize again: fmt 3; 1-byte chunks: 4, fmt 1.
        Assert.Equal((12 + 78 + 10_000) + 16 + (4 + 2 + 10_000) + 5 + (8 + 4 + 5), bytes.Length);

        foreach (var feed in new[] { bytes.Length, 1, 1000 })
        {
            var messages = ReadAll(bytes, feed);
            Assert.Equal(5, messages.Count);
            Assert.Equal(big, messages[0].Payload.ToArray());
            Assert.Equal(4096u, RtmpControl.ReadUInt32BE(messages[1].Payload));
            Assert.Equal(big, messages[2].Payload.ToArray());
            Assert.Equal(40u, messages[2].Timestamp);
            Assert.Equal(big[..5], messages[4].Payload.ToArray());
            Assert.Equal(80u, messages[4].Timestamp);
        }
    }

    [Fact]
    public void Zero_length_messages()
    {
        var writer = new RtmpChunkWriter();
        var sent = new List<Sent>
        {
            new(5, 10, RtmpMessageType.Audio, 1, []),
            new(5, 20, RtmpMessageType.Audio, 1, []), // fmt 3 (delta 10 == first timestamp)
            new(5, 20, RtmpMessageType.Audio, 1, Payload(3, 1)), // fmt 1
            new(5, 25, RtmpMessageType.Audio, 1, []), // fmt 1
        };
        var bytes = WriteAll(writer, sent);
        Assert.Equal(12 + 1 + (8 + 3) + 8, bytes.Length);
        var messages = ReadAll(bytes, 1);
        AssertSame(sent, messages);
        Assert.Equal(0, messages[0].Length);
        Assert.True(messages[0].Payload.IsEmpty);
    }

    [Fact]
    public void Single_byte_feeds_give_the_same_messages_as_one_feed()
    {
        var writer = new RtmpChunkWriter();
        var random = new Random(42);
        var sent = new List<Sent>();
        uint audioTs = 0, videoTs = 0;
        for (var i = 0; i < 60; i++)
        {
            if (i % 3 == 0)
            {
                videoTs += (uint)random.Next(30, 45);
                sent.Add(new Sent(6, videoTs, RtmpMessageType.Video, 1, Payload(random.Next(0, 700), i)));
            }
            else
            {
                audioTs += 23;
                sent.Add(new Sent(4, audioTs, RtmpMessageType.Audio, 1, Payload(random.Next(1, 3) * 100, i)));
            }

            if (i == 30)
            {
                sent.Add(new Sent(320, 0, RtmpMessageType.DataAmf0, 1, Payload(129, 99)));
            }
        }

        var bytes = WriteAll(writer, sent);
        var whole = ReadAll(bytes, bytes.Length);
        var single = ReadAll(bytes, 1);
        AssertSame(sent, whole);
        AssertSame(sent, single);
    }

    [Fact]
    public void Partial_chunks_stay_unconsumed()
    {
        var writer = new RtmpChunkWriter();
        var bytes = WriteAll(writer, [new Sent(4, 0, RtmpMessageType.Video, 1, Payload(200, 1))]);
        using var reader = new RtmpChunkReader();

        // The first chunk (12 + 128) is consumed; 5 bytes of the second are left for later.
        var buffer = new ReadOnlySequence<byte>(bytes, 0, 12 + 128 + 5);
        Assert.False(reader.TryReadMessage(ref buffer, out _));
        Assert.Equal(5, buffer.Length);
        Assert.Equal(140, reader.BytesConsumed);

        // A header split mid-way is left alone too.
        var headerOnly = new ReadOnlySequence<byte>(bytes, 0, 7);
        using var other = new RtmpChunkReader();
        Assert.False(other.TryReadMessage(ref headerOnly, out _));
        Assert.Equal(7, headerOnly.Length);
        Assert.Equal(0, other.BytesConsumed);

        var rest = new ReadOnlySequence<byte>(bytes, 140, bytes.Length - 140);
        Assert.True(reader.TryReadMessage(ref rest, out var message));
        Assert.Equal(200, message.Length);
        Assert.Equal(bytes.Length, reader.BytesConsumed);
        message.ReturnBuffer();
    }

    [Fact]
    public void Reader_returns_one_message_per_call()
    {
        var writer = new RtmpChunkWriter();
        var bytes = WriteAll(writer,
        [
            new Sent(4, 0, RtmpMessageType.Audio, 1, Payload(10, 1)),
            new Sent(4, 10, RtmpMessageType.Audio, 1, Payload(10, 2)),
        ]);
        using var reader = new RtmpChunkReader();
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(reader.TryReadMessage(ref buffer, out var first));
        Assert.Equal(bytes.Length - 22, buffer.Length);
        Assert.True(reader.TryReadMessage(ref buffer, out var second));
        Assert.True(buffer.IsEmpty);
        Assert.False(reader.TryReadMessage(ref buffer, out _));
        Assert.Equal(10u, second.Timestamp);
        first.ReturnBuffer();
        second.ReturnBuffer();
    }

    [Fact]
    public void Payload_sits_between_headroom_and_tailroom()
    {
        var writer = new RtmpChunkWriter();
        var payload = Payload(300, 1);
        var bytes = WriteAll(writer, [new Sent(4, 0, RtmpMessageType.Video, 1, payload)]);
        using var reader = new RtmpChunkReader(headroom: 11, tailroom: 4);
        var message = Assert.Single(ReadAll(bytes, 50, reader));
        Assert.Equal(11, message.Offset);
        Assert.Equal(300, message.Length);
        Assert.True(message.Buffer.Length >= 11 + 300 + 4);
        Assert.Equal(payload, message.Buffer.AsSpan(11, 300).ToArray());
        Assert.Equal(payload, message.PayloadMemory.ToArray());

        var taken = message.TakeBuffer();
        Assert.Throws<InvalidOperationException>(() => message.Buffer);
        message.ReturnBuffer(); // no-op once taken
        ArrayPool<byte>.Shared.Return(taken);
    }

    [Fact]
    public void Shared_type0_form_reads_back_and_measures()
    {
        foreach (var (timestamp, length, csid) in new (uint, int, int)[] { (40, 300, 6), (0x01000000, 300, 6), (7, 0, 4), (9, 128, 330) })
        {
            var payload = Payload(length, length);
            var output = new ArrayBufferWriter<byte>();
            RtmpChunkWriter.WriteMessageType0(output, csid, timestamp, RtmpMessageType.Video, 1, payload, 128);
            Assert.Equal(RtmpChunkWriter.MeasureMessageType0(csid, timestamp, length, 128), output.WrittenCount);
            Assert.Equal(0, Fmt(output.WrittenSpan.ToArray()));

            // The same bytes twice: each message carries its absolute timestamp.
            byte[] twice = [.. output.WrittenSpan, .. output.WrittenSpan];
            var messages = ReadAll(twice, 1);
            Assert.Equal(2, messages.Count);
            Assert.All(messages, m => Assert.Equal(timestamp, m.Timestamp));
            Assert.All(messages, m => Assert.Equal(payload, m.Payload.ToArray()));
        }
    }

    [Fact]
    public void Writer_reset_forces_a_type0_header()
    {
        var writer = new RtmpChunkWriter();
        WriteOne(writer, new Sent(4, 0, RtmpMessageType.Audio, 1, Payload(4, 1)));
        Assert.Equal(3, Fmt(WriteOne(writer, new Sent(4, 0, RtmpMessageType.Audio, 1, Payload(4, 2)))));
        writer.Reset(4);
        Assert.Equal(0, Fmt(WriteOne(writer, new Sent(4, 0, RtmpMessageType.Audio, 1, Payload(4, 3)))));
    }

    [Theory]
    [InlineData("C4")] // fmt 3 on a chunk stream never seen
    [InlineData("84000010")] // fmt 2 likewise
    [InlineData("4400001000000108")] // fmt 1 likewise
    [InlineData("C00005")] // fmt 3 on an unknown two-byte id
    public void Headers_on_unknown_chunk_streams_throw(string hex)
    {
        using var reader = new RtmpChunkReader();
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString(hex));
        var ex = Assert.Throws<RtmpProtocolException>(() => reader.TryReadMessage(ref buffer, out _));
        Assert.Contains("no previous header", ex.Message);
    }

    [Fact]
    public void Oversized_message_length_throws()
    {
        using var reader = new RtmpChunkReader(maxMessageLength: 1000);
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString("04000000" + "0003E9" + "09" + "01000000"));
        var ex = Assert.Throws<RtmpProtocolException>(() => reader.TryReadMessage(ref buffer, out _));
        Assert.Contains("1001", ex.Message);

        // At the limit is fine.
        using var ok = new RtmpChunkReader(maxMessageLength: 1000);
        var bytes = new ArrayBufferWriter<byte>();
        RtmpChunkWriter.WriteMessageType0(bytes, 4, 0, RtmpMessageType.Video, 1, new byte[1000], 128);
        var good = new ReadOnlySequence<byte>(bytes.WrittenMemory);
        Assert.True(ok.TryReadMessage(ref good, out var message));
        message.ReturnBuffer();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(0x1000000)]
    public void Invalid_chunk_sizes_throw(int size)
    {
        using var reader = new RtmpChunkReader();
        Assert.Throws<RtmpProtocolException>(() => reader.SetChunkSize(size));
        Assert.Equal(128, reader.ChunkSize);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0xFFFFFF)]
    public void Valid_chunk_sizes_apply(int size)
    {
        using var reader = new RtmpChunkReader();
        reader.SetChunkSize(size);
        Assert.Equal(size, reader.ChunkSize);
    }

    [Fact]
    public void Too_many_partial_messages_throw()
    {
        using var reader = new RtmpChunkReader();
        var output = new ArrayBufferWriter<byte>();
        Span<byte> header = stackalloc byte[RtmpChunkWriter.MaxHeaderSize];
        var chunk = new byte[128];
        for (var csid = 2; csid < 2 + RtmpChunkReader.MaxPartialMessages + 1; csid++)
        {
            output.Write(header[..RtmpChunkWriter.WriteHeader0(header, csid, 0, 200, RtmpMessageType.Video, 1)]);
            output.Write(chunk);
        }

        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        var ex = Assert.Throws<RtmpProtocolException>(() => reader.TryReadMessage(ref buffer, out _));
        Assert.Contains("partial", ex.Message);
    }

    [Fact]
    public void Too_many_partial_bytes_throw()
    {
        using var reader = new RtmpChunkReader(maxMessageLength: 1000);
        var output = new ArrayBufferWriter<byte>();
        Span<byte> header = stackalloc byte[RtmpChunkWriter.MaxHeaderSize];
        var chunk = new byte[128];
        for (var csid = 2; csid < 5; csid++)
        {
            output.Write(header[..RtmpChunkWriter.WriteHeader0(header, csid, 0, 1000, RtmpMessageType.Video, 1)]);
            output.Write(chunk);
        }

        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.Throws<RtmpProtocolException>(() => reader.TryReadMessage(ref buffer, out _));
    }

    [Fact]
    public void Announced_lengths_do_not_allocate_before_the_bytes_arrive()
    {
        using var reader = new RtmpChunkReader();
        var output = new ArrayBufferWriter<byte>();
        Span<byte> header = stackalloc byte[RtmpChunkWriter.MaxHeaderSize];
        // Two 8 MiB messages announced (within the partial-bytes bound), a first 128-byte chunk of each sent.
        for (var csid = 4; csid < 6; csid++)
        {
            output.Write(header[..RtmpChunkWriter.WriteHeader0(header, csid, 0, 8 * 1024 * 1024, RtmpMessageType.Video, 1)]);
            output.Write(new byte[128]);
        }

        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.False(reader.TryReadMessage(ref buffer, out _));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024 * 1024, "the reader allocated the announced lengths up front");
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void A_message_much_larger_than_its_first_buffer_reassembles()
    {
        var writer = new RtmpChunkWriter();
        var payload = Payload(300_000, 7);
        var bytes = WriteAll(writer, [new Sent(6, 40, RtmpMessageType.Video, 1, payload), new Sent(4, 40, RtmpMessageType.Audio, 1, Payload(5000, 3))]);
        using var reader = new RtmpChunkReader(headroom: 11, tailroom: 4);
        var messages = ReadAll(bytes, 1000, reader);
        Assert.Equal(2, messages.Count);
        Assert.Equal(payload, messages[0].PayloadMemory.ToArray());
        Assert.True(messages[0].Buffer.Length >= 11 + 300_000 + 4);
        Assert.Equal(Payload(5000, 3), messages[1].PayloadMemory.ToArray());
        foreach (var message in messages)
        {
            message.ReturnBuffer();
        }
    }

    [Fact]
    public void Changing_length_mid_message_throws()
    {
        using var reader = new RtmpChunkReader();
        byte[] bytes = [.. Convert.FromHexString("04000000" + "0000C8" + "09" + "01000000"), .. new byte[128], .. Convert.FromHexString("44000000" + "000010" + "09")];
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.Throws<RtmpProtocolException>(() => reader.TryReadMessage(ref buffer, out _));
    }

    [Fact]
    public void Abort_drops_the_partial_message()
    {
        var writer = new RtmpChunkWriter();
        var bytes = WriteAll(writer, [new Sent(4, 0, RtmpMessageType.Video, 1, Payload(200, 1))]);
        using var reader = new RtmpChunkReader();
        var buffer = new ReadOnlySequence<byte>(bytes, 0, 140);
        Assert.False(reader.TryReadMessage(ref buffer, out _));
        reader.Abort(4);

        // The next message on that chunk stream starts afresh (fmt 3 new message, same header).
        var next = Payload(200, 2);
        byte[] again = [0xC4, .. next[..128], 0xC4, .. next[128..]];
        var rest = new ReadOnlySequence<byte>(again);
        Assert.True(reader.TryReadMessage(ref rest, out var message));
        Assert.Equal(next, message.Payload.ToArray());
        Assert.Equal(0u, message.Timestamp);
        message.ReturnBuffer();
    }

    [Fact]
    public void Dispose_releases_partial_messages_and_blocks_reads()
    {
        var writer = new RtmpChunkWriter();
        var bytes = WriteAll(writer, [new Sent(4, 0, RtmpMessageType.Video, 1, Payload(200, 1))]);
        var reader = new RtmpChunkReader();
        var buffer = new ReadOnlySequence<byte>(bytes, 0, 140);
        Assert.False(reader.TryReadMessage(ref buffer, out _));
        reader.Dispose();
        reader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => reader.TryReadMessage(ref buffer, out _));
    }

    [Fact]
    public void Writer_rejects_bad_arguments()
    {
        var writer = new RtmpChunkWriter();
        var output = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteMessage(output, 1, 0, 8, 0, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.ChunkSize = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => RtmpChunkWriter.WriteHeader0(new byte[18], 3, 0, 0x1000000, 8, 0));
    }
}
