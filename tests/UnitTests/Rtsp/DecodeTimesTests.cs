using OrleansLive.Media.Rtp;

namespace OrleansLive.UnitTests.Rtsp;

/// <summary>Decode times for RTP pictures, which carry presentation times only.</summary>
public class DecodeTimesTests
{
    private static List<(int Index, long Dts, long Pts)> Run(long[] ptsInDecodeOrder)
    {
        var output = new List<(int, long, long)>();
        var times = new DecodeTimes<int>((i, dts, pts) => output.Add((i, dts, pts)));
        for (var i = 0; i < ptsInDecodeOrder.Length; i++)
        {
            times.Push(i, ptsInDecodeOrder[i]);
        }
        times.Flush();
        return output;
    }

    [Fact]
    public void Without_b_frames_decode_times_are_presentation_times()
    {
        long[] pts = [1000, 1040, 1080, 1120, 1160, 1200, 1240];
        var output = Run(pts);
        Assert.Equal(pts, output.Select(o => o.Dts));
        Assert.Equal(Enumerable.Range(0, pts.Length), output.Select(o => o.Index));
    }

    [Fact]
    public void B_pyramid_gets_rising_decode_times_before_presentation()
    {
        // x264's default: I P B b b in decode order, reordering depth two.
        long[] pts = [1000, 1160, 1080, 1040, 1120, 1320, 1240, 1200, 1280, 1480, 1400, 1360, 1440];
        var output = Run(pts);
        Assert.Equal(Enumerable.Range(0, pts.Length), output.Select(o => o.Index));
        Assert.Equal(pts, output.Select(o => o.Pts));
        for (var i = 0; i < output.Count; i++)
        {
            Assert.True(output[i].Dts <= output[i].Pts, $"picture {i}: dts {output[i].Dts} after pts {output[i].Pts}");
            if (i > 0)
            {
                Assert.True(output[i].Dts > output[i - 1].Dts, $"picture {i}: dts {output[i].Dts} not after {output[i - 1].Dts}");
            }
        }
        // Steady: one frame duration apart once the depth is known.
        Assert.All(output.Skip(1).Zip(output.Skip(2)), p => Assert.Equal(40, p.Second.Dts - p.First.Dts));
    }
}
