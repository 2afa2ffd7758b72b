using System.Buffers;
using OrleansLive.GatewayEdge.Protocols.Rtmp;

namespace OrleansLive.UnitTests;

public class RtmpControlTests
{
    private static RtmpMessage ReadBack(ArrayBufferWriter<byte> output)
    {
        using var reader = new RtmpChunkReader();
        var buffer = new ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.True(reader.TryReadMessage(ref buffer, out var message));
        Assert.True(buffer.IsEmpty);
        Assert.Equal(2, message.ChunkStreamId);
        Assert.Equal(0u, message.StreamId);
        Assert.Equal(0u, message.Timestamp);
        return message;
    }

    [Fact]
    public void Protocol_control_messages()
    {
        var cases = new (Action<RtmpChunkWriter, ArrayBufferWriter<byte>> Write, byte Type, string Payload)[]
        {
            ((w, o) => RtmpControl.SetChunkSize(w, o, 60000), RtmpMessageType.SetChunkSize, "0000EA60"),
            ((w, o) => RtmpControl.WindowAckSize(w, o, 2_500_000), RtmpMessageType.WindowAckSize, "002625A0"),
            ((w, o) => RtmpControl.SetPeerBandwidth(w, o, 2_500_000, RtmpPeerBandwidthLimit.Dynamic), RtmpMessageType.SetPeerBandwidth, "002625A002"),
            ((w, o) => RtmpControl.Acknowledgement(w, o, 0x01020304), RtmpMessageType.Acknowledgement, "01020304"),
            ((w, o) => RtmpControl.StreamBegin(w, o, 1), RtmpMessageType.UserControl, "000000000001"),
            ((w, o) => RtmpControl.StreamEof(w, o, 1), RtmpMessageType.UserControl, "000100000001"),
            ((w, o) => RtmpControl.StreamIsRecorded(w, o, 1), RtmpMessageType.UserControl, "000400000001"),
            ((w, o) => RtmpControl.PingRequest(w, o, 123), RtmpMessageType.UserControl, "00060000007B"),
            ((w, o) => RtmpControl.PingResponse(w, o, 123), RtmpMessageType.UserControl, "00070000007B"),
            ((w, o) => RtmpControl.SetBufferLength(w, o, 1, 3000), RtmpMessageType.UserControl, "00030000000100000BB8"),
        };

        foreach (var (write, type, payload) in cases)
        {
            var output = new ArrayBufferWriter<byte>();
            write(new RtmpChunkWriter(), output);
            var message = ReadBack(output);
            Assert.Equal(type, message.TypeId);
            Assert.Equal(Convert.FromHexString(payload), message.Payload.ToArray());
            message.ReturnBuffer();
        }
    }

    [Fact]
    public void SetChunkSize_switches_the_writer_after_the_message()
    {
        var writer = new RtmpChunkWriter();
        var output = new ArrayBufferWriter<byte>();
        RtmpControl.SetChunkSize(writer, output, 4096);
        Assert.Equal(4096, writer.ChunkSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => RtmpControl.SetChunkSize(writer, output, 0));
    }

    [Fact]
    public void Parses_user_control()
    {
        Assert.True(RtmpControl.TryParseUserControl(Convert.FromHexString("000000000001"), out var type, out var value));
        Assert.Equal((RtmpUserControlEvent.StreamBegin, 1u), (type, value));

        Assert.True(RtmpControl.TryParseUserControl(Convert.FromHexString("00030000000100000BB8"), out type, out value, out var bufferMs));
        Assert.Equal((RtmpUserControlEvent.SetBufferLength, 1u, 3000u), (type, value, bufferMs));

        Assert.False(RtmpControl.TryParseUserControl(Convert.FromHexString("00060000"), out _, out _));
    }

    [Fact]
    public void Parses_four_byte_values()
    {
        Assert.Equal(0x0000EA60u, RtmpControl.ReadUInt32BE(Convert.FromHexString("0000EA60")));
        Assert.True(RtmpControl.TryReadUInt32(Convert.FromHexString("00001000"), out var v));
        Assert.Equal(4096u, v);
        Assert.False(RtmpControl.TryReadUInt32([1, 2, 3], out _));
        Assert.True(RtmpControl.TryParseSetPeerBandwidth(Convert.FromHexString("002625A002"), out var size, out var limit));
        Assert.Equal((2_500_000u, RtmpPeerBandwidthLimit.Dynamic), (size, limit));
    }
}
