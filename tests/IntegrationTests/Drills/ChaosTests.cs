using OrleansLive.LoadTool.Drills;
using Xunit.Abstractions;

namespace OrleansLive.IntegrationTests.Drills;

/// <summary>The chaos run of infra/chaos.sh with two events, each restarted 5 s later, in a cluster of redis-server,
/// 3 silos and 3 gateways: kill -9 of a silo, then of a gateway that holds publishers.</summary>
public sealed class ChaosTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_a_silo_keeps_every_stream_published_and_killing_a_publishing_gateway_moves_its_publishers_and_reconnects_its_viewers()
    {
        var dir = Directory.CreateTempSubdirectory("orleanslive-chaos-").FullName;
        try
        {
            var options = new ChaosOptions
            {
                SiloDll = Path.Combine(AppContext.BaseDirectory, "OrleansLive.Silo.dll"),
                GatewayDll = Path.Combine(AppContext.BaseDirectory, "OrleansLive.GatewayEdge.dll"),
                Directory = dir,
                Events = ["silo-0", "gateway-1"],
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
            Assert.Equal(2, result.Events.Count);
            // The silo's death must not end a live publisher's lease: its viewers keep their media, and every stream is
            // listed again once the cluster has declared the silo dead (seconds on a quiet machine, more on a loaded one).
            Assert.True(result.Events[0].Others is { Viewers: > 0, Lost: 0 }, report);
            Assert.InRange(result.Events[0].ListedAgainSeconds!.Value, 0, options.LeaseTimeoutSeconds * 3);
            Assert.True(result.Events[0].EndedSessions > 0, "sessions had ended before the silo's kill");
            var kill = result.Events[1];
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
