using Microsoft.Extensions.Logging.Abstractions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.FFmpeg;
using OrleansLive.Media.Samples;

namespace OrleansLive.UnitTests.Audio;

/// <summary>A stream hub's audio bridge on the real codec library, fed what publishers get wrong:
/// a sample-rate change mid-stream, a corrupt frame, Opus DTX silence gaps.</summary>
public sealed class HubBridgeBadInputTests
{
    private static StreamHub NewHub()
    {
        var hub = new StreamHub("__defaultVhost__", "live", "s", new StreamHubOptions(),
            new AudioBridges(new FFmpegAudioCodecs(), new AudioBridgeSettings(), NullLogger.Instance));
        Assert.True(hub.TryAttachPublisher("pub"));
        return hub;
    }

    private static void Publish(StreamHub hub, MediaFrame frame)
    {
        hub.Publish(frame);
        frame.Release();
    }

    private static MediaFrame Audio(AudioCodecId codec, bool config, long ms, byte[] data) =>
        Streams.StreamHubAudioBridgeTests.SampleFramesFor(codec, config, ms, data);

    private static List<MediaFrame> Drain(PlayerQueue queue)
    {
        var batch = new List<MediaFrame>();
        queue.Drain(batch, int.MaxValue);
        return batch;
    }

    [Fact]
    public void An_aac_publisher_that_changes_sample_rate_and_sends_a_corrupt_frame_is_still_heard_over_webrtc()
    {
        var hub = NewHub();
        var rtc = new PlayerQueue("rtc", new PlayerQueueLimits()) { AudioFamily = AudioFamily.Rtc };
        hub.AddPlayer(rtc);
        var (config44, first) = TestSignals.AacSine(1000, 44100, 2, 2);
        var (config48, second) = TestSignals.AacSine(1000, 48000, 1, 2);

        Publish(hub, Audio(AudioCodecId.Aac, true, 0, config44));
        for (var i = 0; i < first.Count; i++)
        {
            Publish(hub, Audio(AudioCodecId.Aac, false, i * 1024L * 1000 / 44100, first[i]));
        }
        var before = Drain(rtc);
        var start = 2100L;
        Publish(hub, Audio(AudioCodecId.Aac, true, start, config48));
        var random = new Random(7);
        for (var i = 0; i < second.Count; i++)
        {
            var frame = second[i];
            if (i == second.Count / 2)
            {
                frame = new byte[300];
                random.NextBytes(frame);
            }
            Publish(hub, Audio(AudioCodecId.Aac, false, start + (i * 1024L * 1000 / 48000), frame));
        }
        var after = Drain(rtc);

        foreach (var part in new[] { before, after })
        {
            var opus = part.Where(f => f.IsAudio && !f.IsSequenceHeader).ToList();
            Assert.All(part.Where(f => f.IsAudio), f => Assert.Equal(AudioCodecId.Opus, f.Header.AudioCodec));
            Assert.InRange(opus.Count, 80, 110);
            var pcm = PcmAnalysis.Decode(AudioCodecId.Opus, OpusHead.ForChannels(2).ToBytes(), opus.Select(f => f.Sample.Data.ToArray()));
            Assert.InRange(PcmAnalysis.Frequency(PcmAnalysis.Steady(pcm)), 990, 1010);
        }
        var bridge = hub.AudioBridge("gw")!;
        Assert.Equal((1, 48000), (bridge.Channels, bridge.SampleRate)); // the bridge restarted on the mono 48 kHz configuration
        Assert.Equal(1, bridge.DroppedFrames);
        foreach (var frame in before.Concat(after))
        {
            frame.Release();
        }
    }

    [Fact]
    public void Opus_with_dtx_gaps_reaches_rtmp_players_as_aac_whose_times_follow_the_gaps()
    {
        var hub = NewHub();
        var rtmp = new PlayerQueue("rtmp", new PlayerQueueLimits());
        hub.AddPlayer(rtmp);
        var packets = TestSignals.OpusSine(440, 2, 2);
        Publish(hub, Audio(AudioCodecId.Opus, true, 0, OpusHead.ForChannels(2).ToBytes()));
        // One second of sound, two seconds of DTX silence (no packets), the second second of sound.
        for (var i = 0; i < packets.Count; i++)
        {
            var ms = (i * 20L) + (i >= packets.Count / 2 ? 2000 : 0);
            Publish(hub, Audio(AudioCodecId.Opus, false, ms, packets[i]));
        }
        var got = Drain(rtmp);
        var aac = got.Where(f => f.IsAudio && !f.IsSequenceHeader).ToList();
        Assert.All(got.Where(f => f.IsAudio), f => Assert.Equal(AudioCodecId.Aac, f.Header.AudioCodec));
        Assert.True(got.First(f => f.IsAudio).IsSequenceHeader);
        var times = aac.Select(f => (long)f.Timestamp).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Contains(times, t => t >= 2900 && t < 3100);
        Assert.DoesNotContain(times, t => t > 1100 && t < 2900);
        Assert.InRange(aac.Count, 80, 100);
        foreach (var frame in got)
        {
            frame.Release();
        }
    }
}
