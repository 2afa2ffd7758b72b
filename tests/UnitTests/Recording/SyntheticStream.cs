using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Streams;
using static OrleansLive.UnitTests.Ts.FlvTestVectors;

namespace OrleansLive.UnitTests.Recording;

/// <summary>
/// A publish as the hub delivers it: metadata, AVC and AAC sequence headers, then 25 fps H.264
/// (keyframe every <c>gop</c> frames) interleaved with AAC frames every 23 ms, in timestamp order.
/// Frames are owned by the caller (release after use, or let them go: tests don't pool).
/// </summary>
internal static class SyntheticStream
{
    public const int FrameMs = 40;

    public static MediaFrame VideoHeader(uint ts = 0) => MediaFrame.Copy(FrameTypes.Video, ts, AvcSequenceHeader().Data.Span, sequenceHeader: true);

    public static MediaFrame AudioHeader(uint ts = 0) => MediaFrame.Copy(FrameTypes.Audio, ts, AacSequenceHeader().Data.Span, sequenceHeader: true);

    public static MediaFrame Metadata() => MediaFrame.Copy(FrameTypes.Script, 0, [2, 0, 10, .. "onMetaData"u8, 8, 0, 0, 0, 0, 0, 0, 9]);

    public static MediaFrame Video(uint ts, bool key) =>
        MediaFrame.Copy(FrameTypes.Video, ts, AvcFrame(ts, key, 0, Hex(AvcFrames[key ? 0 : 1].Nalus)).Data.Span, keyframe: key);

    public static MediaFrame Audio(uint ts, int index) => MediaFrame.Copy(FrameTypes.Audio, ts, AacFrame(ts, FakeAacRaw(index)).Data.Span);

    /// <summary>Headers, then <paramref name="seconds"/> of media from <paramref name="start"/> ms.</summary>
    public static IEnumerable<MediaFrame> Publish(double seconds, int gop = 50, bool video = true, bool audio = true, uint start = 0, bool keyframes = true)
    {
        yield return Metadata();
        if (video)
        {
            yield return VideoHeader(start);
        }
        if (audio)
        {
            yield return AudioHeader(start);
        }
        foreach (var frame in Media(seconds, gop, video, audio, start, keyframes))
        {
            yield return frame;
        }
    }

    /// <summary>Media frames only, frame numbering starting at 0 from <paramref name="start"/>.</summary>
    public static IEnumerable<MediaFrame> Media(double seconds, int gop = 50, bool video = true, bool audio = true, uint start = 0, bool keyframes = true)
    {
        var end = (long)(seconds * 1000);
        long nextVideo = video ? 0 : long.MaxValue;
        long nextAudio = audio ? 0 : long.MaxValue;
        var videoIndex = 0;
        var audioIndex = 0;
        while (Math.Min(nextVideo, nextAudio) < end)
        {
            if (nextVideo <= nextAudio)
            {
                yield return Video((uint)(start + nextVideo), keyframes && videoIndex % gop == 0);
                videoIndex++;
                nextVideo = videoIndex * FrameMs;
            }
            else
            {
                yield return Audio((uint)(start + nextAudio), audioIndex);
                audioIndex++;
                nextAudio = audioIndex * 1024L * 1000 / 44100;
            }
        }
    }
}

/// <summary>Keeps log lines for assertions.</summary>
internal sealed class ListLogger : ILogger
{
    public List<(LogLevel Level, string Message)> Lines { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Lines)
        {
            Lines.Add((logLevel, formatter(state, exception)));
        }
    }

    public int Count(LogLevel level, string contains) =>
        Lines.Count(l => l.Level == level && l.Message.Contains(contains, StringComparison.Ordinal));
}
