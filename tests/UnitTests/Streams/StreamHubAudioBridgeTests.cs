using Microsoft.Extensions.Logging.Abstractions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Audio;
using OrleansLive.Media.Codecs;

namespace OrleansLive.UnitTests.Streams;

/// <summary>How a hub routes a stream's audio through its bridge to the players of the other family.</summary>
public sealed class StreamHubAudioBridgeTests
{
    private static readonly byte[] AacConfig = new AudioSpecificConfig(2, 4, 44100, 2).ToBytes();

    private static (StreamHub Hub, FakeCodecs Codecs) NewHub(StreamHubOptions? options = null, bool available = true)
    {
        var codecs = new FakeCodecs(available);
        var bridges = new AudioBridges(codecs, new AudioBridgeSettings(), NullLogger.Instance);
        var hub = new StreamHub("__defaultVhost__", "live", "s", options ?? new StreamHubOptions(), bridges);
        Assert.True(hub.TryAttachPublisher("pub"));
        return (hub, codecs);
    }

    private static void Publish(StreamHub hub, MediaFrame frame)
    {
        hub.Publish(frame);
        frame.Release();
    }

    private static MediaFrame AacHeader() => MediaFrame.Copy(FrameTypes.Audio, 0, [0xAF, 0x00, .. AacConfig]);

    private static MediaFrame Aac(uint ms) => MediaFrame.Copy(FrameTypes.Audio, ms, [0xAF, 0x01, 0x21, 0x10]);

    private static MediaFrame OpusHeader() => SampleFramesFor(AudioCodecId.Opus, true, 0, OpusHead.ForChannels(2).ToBytes());

    private static MediaFrame Opus(uint ms) => SampleFramesFor(AudioCodecId.Opus, false, ms, [0xFC, 0x01, 0x02]);

    /// <summary>An audio sample as the hub's frame, as a non-FLV ingest makes it.</summary>
    internal static MediaFrame SampleFramesFor(AudioCodecId codec, bool config, long ms, byte[] data) =>
        SampleFrames.FromSample(new Media.Samples.MediaSample(
            new Media.Samples.SampleHeader(Media.Samples.MediaKind.Audio, VideoCodecId.Unknown, codec, config ? Media.Samples.SamplePart.Config : Media.Samples.SamplePart.Frame, false, 0, 0), ms, data))!;

    private static List<MediaFrame> Drain(PlayerQueue queue)
    {
        var batch = new List<MediaFrame>();
        queue.Drain(batch, int.MaxValue);
        return batch;
    }

    private static string Audio(List<MediaFrame> frames) =>
        string.Join(" ", frames.Where(f => f.IsAudio).Select(f => $"{f.Header.AudioCodec}{(f.IsSequenceHeader ? "-config" : "")}@{f.Timestamp}"));

    [Fact]
    public void Webrtc_players_of_an_aac_stream_share_one_bridge_and_rtmp_players_keep_the_aac()
    {
        var (hub, codecs) = NewHub();
        Publish(hub, AacHeader());
        var rtmp = new PlayerQueue("rtmp", new PlayerQueueLimits());
        var rtc = Enumerable.Range(0, 3).Select(i => new PlayerQueue("rtc" + i, new PlayerQueueLimits()) { AudioFamily = AudioFamily.Rtc }).ToArray();
        hub.AddPlayer(rtmp);
        foreach (var player in rtc)
        {
            hub.AddPlayer(player);
        }
        Publish(hub, Aac(100));
        Publish(hub, Aac(123));

        Assert.Equal("Aac-config@0 Aac@100 Aac@123", Audio(Drain(rtmp)));
        foreach (var player in rtc)
        {
            Assert.Equal("Opus-config@100 Opus@100 Opus@123", Audio(Drain(player)));
        }
        Assert.Equal(1, codecs.Created);
        Assert.Equal("rtc", hub.AudioBridge("gw")!.Side);
        Assert.Equal("AAC", hub.AudioBridge("gw")!.From);

        foreach (var player in rtc)
        {
            hub.RemovePlayer(player);
        }
        Publish(hub, Aac(146));
        Assert.Null(hub.AudioBridge("gw"));
        Assert.Equal(1, codecs.Disposed);
        Assert.Equal("Aac@146", Audio(Drain(rtmp)));
    }

    [Fact]
    public void Rtmp_players_of_an_opus_stream_get_aac_with_its_config_and_late_players_get_it_from_the_cache()
    {
        var (hub, _) = NewHub();
        Publish(hub, MediaFrame.Copy(FrameTypes.Video, 0, [0x17, 0x00, 0, 0, 0]));
        Publish(hub, OpusHeader());
        var rtmp = new PlayerQueue("rtmp", new PlayerQueueLimits());
        var rtc = new PlayerQueue("rtc", new PlayerQueueLimits()) { AudioFamily = AudioFamily.Rtc };
        var pull = new PlayerQueue("edge", new PlayerQueueLimits()) { AudioFamily = AudioFamily.Source };
        hub.AddPlayer(rtmp);
        hub.AddPlayer(rtc);
        hub.AddPlayer(pull);
        Publish(hub, MediaFrame.Copy(FrameTypes.Video, 0, [0x17, 0x01, 0, 0, 0]));
        Publish(hub, Opus(20));
        Publish(hub, Opus(40));

        Assert.Equal("Aac-config@20 Aac@20 Aac@40", Audio(Drain(rtmp)));
        Assert.Equal("Opus-config@0 Opus@20 Opus@40", Audio(Drain(rtc)));
        // Another gateway's pull takes the stream's own audio and bridges for its players itself.
        Assert.Equal("Opus-config@0 Opus@20 Opus@40", Audio(Drain(pull)));

        var late = new PlayerQueue("late", new PlayerQueueLimits());
        hub.AddPlayer(late);
        var got = Drain(late);
        Assert.Equal("Aac-config@20 Aac@20 Aac@40", Audio(got));
        Assert.Contains(got, f => f.IsKeyframe);
    }

    [Fact]
    public void With_rtmp_to_rtc_off_or_no_codec_library_players_get_the_stream_s_own_audio()
    {
        var (off, offCodecs) = NewHub(new StreamHubOptions(RtmpToRtc: false));
        Publish(off, AacHeader());
        var rtc = new PlayerQueue("rtc", new PlayerQueueLimits()) { AudioFamily = AudioFamily.Rtc };
        off.AddPlayer(rtc);
        Publish(off, Aac(100));
        Assert.Equal("Aac-config@0 Aac@100", Audio(Drain(rtc)));
        Assert.Equal(0, offCodecs.Created);

        var (missing, _) = NewHub(available: false);
        Publish(missing, OpusHeader());
        var rtmp = new PlayerQueue("rtmp", new PlayerQueueLimits());
        missing.AddPlayer(rtmp);
        Publish(missing, Opus(20));
        Assert.Equal("Opus-config@0 Opus@20", Audio(Drain(rtmp)));
    }

    [Fact]
    public void A_new_audio_config_restarts_the_bridge_and_the_publisher_leaving_stops_it()
    {
        var (hub, codecs) = NewHub();
        Publish(hub, AacHeader());
        var rtc = new PlayerQueue("rtc", new PlayerQueueLimits()) { AudioFamily = AudioFamily.Rtc };
        hub.AddPlayer(rtc);
        Publish(hub, Aac(100));
        Publish(hub, MediaFrame.Copy(FrameTypes.Audio, 120, [0xAF, 0x00, .. new AudioSpecificConfig(2, 3, 48000, 1).ToBytes()]));
        Publish(hub, Aac(140));
        Assert.Equal(2, codecs.Created);
        Assert.Equal(1, codecs.Disposed);
        Assert.Equal(48000, codecs.LastInputRate);

        hub.DetachPublisher("pub");
        Assert.Equal(2, codecs.Disposed);
        Assert.Null(hub.AudioBridge("gw"));
    }

    /// <summary>Maps each input frame to one output frame of the other codec, same time.</summary>
    private sealed class FakeCodecs(bool available) : IAudioCodecs
    {
        public int Created { get; private set; }
        public int Disposed { get; set; }
        public int LastInputRate { get; private set; }

        public string? Unavailable => available ? null : "not here";

        public IAudioTranscoder Create(AudioTranscodeRequest request)
        {
            Created++;
            if (request.Input == AudioCodecId.Aac && AudioSpecificConfig.TryParse(request.InputConfig.Span, out var asc))
            {
                LastInputRate = asc.SampleRate;
            }
            return new FakeTranscoder(this, request.Output);
        }
    }

    private sealed class FakeTranscoder(FakeCodecs owner, AudioCodecId output) : IAudioTranscoder
    {
        public AudioFormat Output => new(output, 48000, 2);

        public ReadOnlyMemory<byte> OutputConfig => output == AudioCodecId.Opus ? OpusHead.ForChannels(2).ToBytes() : new AudioSpecificConfig(2, 3, 48000, 2).ToBytes();

        public long DroppedFrames => 0;

        public void Transcode(ReadOnlySpan<byte> frame, long timestampMs, ICollection<EncodedAudio> output) =>
            output.Add(new EncodedAudio(timestampMs, [0x11, 0x22]));

        public void Dispose() => owner.Disposed++;
    }
}
