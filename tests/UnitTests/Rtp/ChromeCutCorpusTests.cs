using OrleansLive.Media.Rtp;

namespace OrleansLive.UnitTests.Rtp;

/// <summary>
/// The VP8, VP9 and AV1 packet sequences of Corpus/Rtp (real libvpx and libaom streams cut as Chrome
/// cuts them: VP8 with 15-bit picture ids, VP9 in flexible mode with a scalability structure on
/// keyframes, AV1 with element counts and fragments) depacketize whole, starting on a keyframe. The
/// Rtp fuzz target mutates the same files.
/// </summary>
public class ChromeCutCorpusTests
{
    public static TheoryData<string, int> Files => new()
    {
        { "vp8-picture-id.bin", 5 },
        { "vp9-flexible-ss.bin", 5 },
        { "av1-chrome-w-count.bin", 6 },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_picture_comes_out(string name, int pictures)
    {
        var frames = new List<RtpVideoFrame>();
        RtpPictureDepacketizer<RtpVideoFrame> depacketizer = name[..3] switch
        {
            "vp8" => new Vp8Depacketizer(frames.Add),
            "vp9" => new Vp9Depacketizer(frames.Add),
            _ => new Av1Depacketizer(frames.Add),
        };
        var data = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Corpus", "Rtp", name));
        for (var at = 0; at + 2 <= data.Length;)
        {
            var length = (data[at] << 8) | data[at + 1];
            Assert.True(depacketizer.Push(data.AsSpan(at + 2, length)));
            at += 2 + length;
        }

        Assert.Equal(pictures, frames.Count);
        Assert.True(frames[0].IsKeyframe);
        Assert.Equal(2, frames.Count(f => f.IsKeyframe));
        Assert.False(depacketizer.KeyframeNeeded);
        Assert.Equal(0, depacketizer.LostPackets);
    }
}
