using OrleansLive.LoadTool.Drills;
using Xunit.Abstractions;

namespace OrleansLive.IntegrationTests.Drills;

/// <summary>The chaos run of infra/chaos.sh with one event: kill -9 of a gateway that holds publishers,
/// restarted 5 s later, in a cluster of redis-server, 3 silos and 3 gateways.</summary>
public sealed class ChaosTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_a_publishing_gateway_moves_its_publishers_reconnects_its_viewers_and_loses_no_session_record()
    {
        var dir = Directory.CreateTempSubdirectory("orleanslive-chaos-").FullName;
        try
        {
            var options = new ChaosOptions
            {
                SiloDll = Path.Combine(AppContext.BaseDirectory, "OrleansLive.Silo.dll"),
                GatewayDll = Path.Combine(AppContext.BaseDirectory, "OrleansLive.GatewayEdge.dll"),
                Directory = dir,
                Events = ["gateway-1"],
                IntervalSeconds = 40,
                Players = 12,
                MinPlaySeconds = 5,
                MaxPlaySeconds = 20,
            };
            var log = new StringWriter();

            var result = await new ChaosDrill(options, log).RunAsync().WaitAsync(TimeSpan.FromMinutes(8));

            var report = ChaosDrill.Report(result);
            output.WriteLine(report);
            Assert.True(result.Passed, report + log);
            var kill = Assert.Single(result.Events);
            Assert.Equal(options.PublishersPerGateway, kill.LeasesMoved);
            Assert.True(kill.OnTarget.Viewers > 0, "viewers played from the killed gateway");
            Assert.True(kill.EndedSessions > 0, "sessions had ended before the kill");
            Assert.InRange(kill.LeaseReacquiredSeconds!.Value, 0, options.LeaseTimeoutSeconds * 3);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
