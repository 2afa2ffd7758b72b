using OrleansLive.Media.Codecs;
using OrleansLive.Media.Rtp.Sdp;
using OrleansLive.Media.Rtsp;

namespace OrleansLive.UnitTests.Rtsp;

/// <summary>DESCRIBE's SDP from a stream's configurations, and an ffmpeg ANNOUNCE read back into tracks.</summary>
public class RtspSdpTests
{
    // An x264 SPS (High, level 3.0) and PPS, as ffmpeg announced them.
    private static readonly byte[] Sps = Convert.FromBase64String("Z2QAHqzZQKAv+XARAAADAAEAAAMAMg8WLZY=");
    private static readonly byte[] Pps = Convert.FromBase64String("aO+Pyw==");

    [Fact]
    public void Describes_h264_with_its_parameter_sets_and_aac_as_mpeg4_generic()
    {
        var video = RtspSdp.VideoTrack(VideoCodecId.H264, [Sps, Pps], "trackID=0")!;
        var audio = RtspSdp.AudioTrack(AudioCodecId.Aac, [0x12, 0x08], "trackID=1")!;
        var sdp = RtspSdp.Describe("127.0.0.1", "s", [video, audio]);
        Assert.Contains("m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n", sdp);
        Assert.Contains("profile-level-id=64001E", sdp);
        Assert.Contains("sprop-parameter-sets=Z2QAHqzZQKAv+XARAAADAAEAAAMAMg8WLZY=,aO+Pyw==", sdp);
        Assert.Contains("a=rtpmap:97 mpeg4-generic/44100/1", sdp);
        Assert.Contains("mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3;config=1208", sdp);
        Assert.Contains("a=control:trackID=1", sdp);

        Assert.True(SessionDescription.TryParse(sdp, out var parsed, out var error), error);
        Assert.Equal(2, parsed.Media.Count);
    }

    [Fact]
    public void Describes_h265_with_vps_sps_pps_and_opus()
    {
        byte[] vps = [0x40, 0x01, 0x0C], sps = [0x42, 0x01, 0x01], pps = [0x44, 0x01, 0xC0];
        var sdp = RtspSdp.Describe("::1", "s", [RtspSdp.VideoTrack(VideoCodecId.H265, [vps, sps, pps], "trackID=0")!, RtspSdp.AudioTrack(AudioCodecId.Opus, [], "trackID=1")!]);
        Assert.Contains("a=rtpmap:96 H265/90000", sdp);
        Assert.Contains("sprop-vps=QAEM;sprop-sps=QgEB;sprop-pps=RAHA", sdp);
        Assert.Contains("a=rtpmap:97 opus/48000/2", sdp);
        Assert.Contains("IN IP6 ::1", sdp);
    }

    [Fact]
    public void Leaves_out_codecs_rtsp_players_do_not_get()
    {
        Assert.Null(RtspSdp.VideoTrack(VideoCodecId.Vp8, [], "trackID=0"));
        Assert.Null(RtspSdp.AudioTrack(AudioCodecId.Mp3, [], "trackID=1"));
        Assert.Null(RtspSdp.AudioTrack(AudioCodecId.Aac, [0xFF], "trackID=1"));
    }

    [Fact]
    public void Reads_an_ffmpeg_announce()
    {
        var sdp = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Corpus", "RtspRequest", "ffmpeg-announce.txt"));
        sdp = sdp[(sdp.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        Assert.True(RtspSdp.TryParseAnnounce(sdp, out var tracks, out var skipped, out var error), error);
        Assert.Empty(skipped);
        Assert.Equal(2, tracks.Count);
        var video = tracks[0];
        Assert.Equal(VideoCodecId.H264, video.Video);
        Assert.Equal("streamid=0", video.Control);
        Assert.Equal(2, video.ParameterSets.Count);
        Assert.Equal(NalUnit.AvcSps, NalUnit.Type(VideoCodecId.H264, video.ParameterSets[0]));
        Assert.NotNull(Media.Codecs.DecoderRecordBuilder.BuildAvc([video.ParameterSets[0]], [video.ParameterSets[1]]));
        var audio = tracks[1];
        Assert.Equal(AudioCodecId.Aac, audio.Audio);
        Assert.Equal(48000, audio.ClockRate);
        Assert.Equal([0x11, 0x88, 0x56, 0xE5, 0x00], audio.AudioConfig);
        Assert.Equal(1, RtspUrl.TrackOf(audio.Control));
    }

    [Fact]
    public void Refuses_an_announce_without_usable_media()
    {
        const string sdp = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\nm=audio 0 RTP/AVP 0\r\n";
        Assert.False(RtspSdp.TryParseAnnounce(sdp, out _, out var skipped, out var error));
        Assert.Equal(2, skipped.Count);
        Assert.Contains("no H.264", error);
    }
}
