using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.UnitTests.Streams;

public sealed class MediaFrameTests
{
    [Fact]
    public void Flv_tag_wraps_the_payload_in_place()
    {
        byte[] payload = [0x17, 0x01, 0, 0, 0, 0xAA, 0xBB];
        var frame = MediaFrame.Copy(FrameTypes.Video, 0x01020304, payload, keyframe: true);

        ReadOnlySpan<byte> data = frame.FlvTag.Span;
        Assert.True(FlvReader.TryReadTag(ref data, out var tag));
        Assert.Equal(FlvConstants.TagVideo, tag.Type);
        Assert.Equal(0x01020304u, tag.Timestamp);
        Assert.Equal(payload, tag.Data.ToArray());
        Assert.Equal(0, data.Length);
        frame.Release();
    }

    [Fact]
    public void Rtmp_form_is_read_back_as_the_same_message()
    {
        var payload = Enumerable.Range(0, 150_000).Select(i => (byte)i).ToArray();
        var frame = MediaFrame.Copy(FrameTypes.Video, 0x1234567, payload, keyframe: true);
        var form = frame.GetRtmpForm(60000);
        var wire = form.Segments.SelectMany(s => s.ToArray()).ToArray();
        Assert.Equal(form.TotalBytes, wire.Length);

        using var reader = new RtmpChunkReader();
        reader.SetChunkSize(60000);
        var sequence = new System.Buffers.ReadOnlySequence<byte>(wire);
        Assert.True(reader.TryReadMessage(ref sequence, out var message));
        Assert.Equal(RtmpMessageType.Video, message.TypeId);
        Assert.Equal(0x1234567u, message.Timestamp);
        Assert.Equal(RtmpWireForm.PlayStreamId, message.StreamId);
        Assert.Equal(payload, message.Payload.ToArray());
        Assert.True(sequence.IsEmpty);
        message.ReturnBuffer();
        Assert.Same(form, frame.GetRtmpForm(60000));
        frame.Release();
    }

    [Fact]
    public void Release_past_the_last_reference_is_an_error()
    {
        var frame = MediaFrame.Copy(FrameTypes.Audio, 0, [0xAF, 0x01]);
        frame.AddRef();
        frame.Release();
        frame.Release();
        Assert.Throws<InvalidOperationException>(frame.Release);
        Assert.Throws<InvalidOperationException>(() => frame.AddRef());
    }
}
