using System.Text;
using OrleansLive.Media.Rtsp;

namespace OrleansLive.UnitTests.Rtsp;

/// <summary>The RTSP reader on what clients send: requests with and without bodies, pipelined and
/// split, interleaved frames, and what must close the connection (no CSeq, huge heads, garbage).</summary>
public class RtspRequestReaderTests
{
    private static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    [Fact]
    public void Reads_a_request_and_its_headers()
    {
        var data = Bytes("SETUP rtsp://127.0.0.1/live/s/trackID=0 RTSP/1.0\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1\r\nCSeq: 3\r\nSession: ABC;timeout=60\r\n\r\n");
        Assert.Equal(RtspReadStatus.Request, RtspRequestReader.TryRead(data, out var request, out var consumed, out _, out _));
        Assert.Equal(data.Length, consumed);
        Assert.Equal("SETUP", request!.Method);
        Assert.Equal("rtsp://127.0.0.1/live/s/trackID=0", request.Url);
        Assert.Equal(3, request.CSeq);
        Assert.Equal("RTP/AVP/TCP;unicast;interleaved=0-1", request.Header("transport"));
        Assert.Equal("ABC", request.SessionId);
        Assert.Empty(request.Body);
    }

    [Fact]
    public void Waits_for_the_whole_body_then_reads_it()
    {
        var full = Bytes("ANNOUNCE rtsp://h/live/s RTSP/1.0\r\nCSeq: 2\r\nContent-Type: application/sdp\r\nContent-Length: 5\r\n\r\nv=0\r\n");
        for (var cut = 0; cut < full.Length; cut++)
        {
            Assert.Equal(RtspReadStatus.NeedMore, RtspRequestReader.TryRead(full.AsSpan(0, cut), out _, out _, out _, out _));
        }
        Assert.Equal(RtspReadStatus.Request, RtspRequestReader.TryRead(full, out var request, out var consumed, out _, out _));
        Assert.Equal(full.Length, consumed);
        Assert.Equal("v=0\r\n", Encoding.ASCII.GetString(request!.Body));
    }

    [Fact]
    public void Reads_interleaved_frames_between_requests()
    {
        byte[] data = [(byte)'$', 2, 0, 3, 0xAA, 0xBB, 0xCC, .. Bytes("GET_PARAMETER rtsp://h/live/s RTSP/1.0\r\nCSeq: 9\r\n\r\n")];
        Assert.Equal(RtspReadStatus.Interleaved, RtspRequestReader.TryRead(data, out _, out var consumed, out var frame, out _));
        Assert.Equal(new RtspFrame(2, 4, 3), frame);
        Assert.Equal(7, consumed);
        Assert.Equal(RtspReadStatus.Request, RtspRequestReader.TryRead(data.AsSpan(consumed), out var request, out _, out _, out _));
        Assert.Equal(9, request!.CSeq);
        Assert.Equal(RtspReadStatus.NeedMore, RtspRequestReader.TryRead(data.AsSpan(0, 5), out _, out _, out _, out _));
    }

    [Theory]
    [InlineData("OPTIONS rtsp://h/live/s RTSP/1.0\r\nUser-Agent: x\r\n\r\n", "without CSeq")]
    [InlineData("OPTIONS rtsp://h/live/s RTSP/1.0\r\nCSeq: one\r\n\r\n", "bad CSeq")]
    [InlineData("GET /live/s HTTP/1.1\r\nCSeq: 1\r\n\r\n", "not an RTSP request line")]
    [InlineData("OPTIONS rtsp://h/live/s RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 100000000\r\n\r\n", "Content-Length")]
    [InlineData("OPTIONS rtsp://h/live/s RTSP/1.0\r\nCSeq: 1\r\nno colon here\r\n\r\n", "malformed header")]
    [InlineData("\u0001\u0002garbage", "control byte")]
    public void Refuses_what_is_not_a_valid_request(string text, string reason)
    {
        Assert.Equal(RtspReadStatus.Invalid, RtspRequestReader.TryRead(Bytes(text), out _, out _, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Refuses_a_head_over_the_limit_before_it_ends()
    {
        var head = Bytes("OPTIONS rtsp://h/live/s RTSP/1.0\r\nCSeq: 1\r\nX-Long: " + new string('a', RtspRequestReader.MaxHeadBytes));
        Assert.Equal(RtspReadStatus.Invalid, RtspRequestReader.TryRead(head, out _, out _, out _, out var error));
        Assert.Contains("over", error);
    }

    [Fact]
    public void Refuses_too_many_headers()
    {
        var text = new StringBuilder("OPTIONS rtsp://h/live/s RTSP/1.0\r\nCSeq: 1\r\n");
        for (var i = 0; i < RtspRequestReader.MaxHeaders + 1; i++)
        {
            text.Append("X-").Append(i).Append(": y\r\n");
        }
        text.Append("\r\n");
        Assert.Equal(RtspReadStatus.Invalid, RtspRequestReader.TryRead(Bytes(text.ToString()), out _, out _, out _, out _));
    }
}
