using OrleansLive.GatewayEdge.Recording;

namespace OrleansLive.UnitTests.Recording;

public class TimestampJitterTests
{
    [Fact]
    public void Steady_timestamps_and_small_interleaving_pass_unchanged()
    {
        var jitter = new TimestampJitter();
        Assert.Equal(1000, jitter.Correct(1000, audio: false));
        Assert.Equal(990, jitter.Correct(990, audio: true));
        Assert.Equal(1040, jitter.Correct(1040, audio: false));
        Assert.Equal(1013, jitter.Correct(1013, audio: true));
        Assert.Equal(0, jitter.Jumps);
    }

    [Fact]
    public void A_jump_forward_by_hours_continues_from_the_previous_frame()
    {
        var jitter = new TimestampJitter();
        jitter.Correct(0, false);
        jitter.Correct(40, false);
        var hours = 3 * 3600 * 1000u;
        Assert.Equal(80, jitter.Correct(hours, false));
        Assert.True(jitter.LastWasJump);
        Assert.Equal(120, jitter.Correct(hours + 40, false));
        Assert.Equal(1, jitter.Jumps);
    }

    [Fact]
    public void A_jump_back_continues_forward_and_tracks_stay_together()
    {
        var jitter = new TimestampJitter();
        for (uint t = 0; t <= 10_000; t += 40)
        {
            jitter.Correct(50_000 + t, false);
            jitter.Correct(50_000 + t + 5, true);
        }
        var video = jitter.Correct(0, false);
        var audio = jitter.Correct(5, true);
        Assert.Equal(60_040, video);
        Assert.InRange(audio - video, -50, 50);
        Assert.Equal(2, jitter.Jumps);
    }

    [Fact]
    public void The_32_bit_wrap_is_not_a_jump()
    {
        var jitter = new TimestampJitter();
        jitter.Correct(uint.MaxValue - 39, false);
        var next = jitter.Correct(0, false);
        Assert.Equal((long)uint.MaxValue + 1, next);
        Assert.Equal(0, jitter.Jumps);
    }
}
