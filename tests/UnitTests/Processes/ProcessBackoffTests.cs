using OrleansLive.GatewayEdge.Processes;

namespace OrleansLive.UnitTests.Processes;

public sealed class ProcessBackoffTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(1000, 30)]
    public void Doubles_from_one_second_up_to_thirty(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), ProcessBackoff.Delay(failures));

    [Fact]
    public void A_long_run_starts_the_count_over()
    {
        Assert.Equal(4, ProcessBackoff.Next(3, TimeSpan.FromSeconds(2)));
        Assert.Equal(1, ProcessBackoff.Next(7, ProcessBackoff.Healthy));
    }
}
