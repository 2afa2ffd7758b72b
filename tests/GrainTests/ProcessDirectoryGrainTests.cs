using OrleansLive.Interfaces;

namespace OrleansLive.GrainTests;

/// <summary>Supervised processes: the directory lists what gateways report; the stream grain decides
/// which gateway runs a stream's ingest.</summary>
public sealed class ProcessDirectoryGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private readonly IProcessDirectoryGrain _grain = fixture.Client.GetGrain<IProcessDirectoryGrain>(0);

    private static ProcessStatus Status(string gateway, string key) =>
        new(ProcessKinds.Ingest, "cam", key, gateway, ProcessStates.Running, 42, 0, null, DateTime.UtcNow, ["ffmpeg"], ["line"]);

    [Fact]
    public async Task The_directory_lists_each_gateways_latest_report()
    {
        var id = Ids.Random(6);
        var (a, b, key) = ("gw-a-" + id, "gw-b-" + id, $"v/live/{id}");

        await _grain.Report(new ProcessReport(a, [Status(a, key)]));
        await _grain.Report(new ProcessReport(b, []));
        Assert.Equal(a, Assert.Single(await _grain.List(), p => p.StreamKey == key).GatewayId);

        await _grain.Report(new ProcessReport(a, []));
        await _grain.Report(new ProcessReport(b, [Status(b, key)]));
        Assert.Equal(b, Assert.Single(await _grain.List(), p => p.StreamKey == key).GatewayId);
    }

    [Fact]
    public async Task Without_a_publisher_the_first_gateway_to_ask_runs_the_ingest_while_it_keeps_asking()
    {
        var id = Ids.Random(6);
        var stream = fixture.Client.GetGrain<IStreamGrain>(StreamKey.Of("__defaultVhost__", "live", id));

        Assert.True(await stream.ClaimProcess("ingest:cam", "gw-a"));
        Assert.False(await stream.ClaimProcess("ingest:cam", "gw-b"));
        Assert.True(await stream.ClaimProcess("ingest:cam", "gw-a"));
        // Another process of the same stream is claimed on its own.
        Assert.True(await stream.ClaimProcess("ingest:other", "gw-b"));
    }

    [Fact]
    public async Task The_gateway_holding_the_publish_lease_runs_the_streams_ingest()
    {
        var id = Ids.Random(6);
        var stream = fixture.Client.GetGrain<IStreamGrain>(StreamKey.Of("__defaultVhost__", "live", id));
        Assert.True(await stream.ClaimProcess("ingest:cam", "gw-a"));

        var verdict = await stream.AcquirePublish(new PublishClaim("client-" + id, "gw-b", "127.0.0.1", "rtmp://h/live", ""));

        Assert.True(verdict.Granted, verdict.Reason);
        Assert.False(await stream.ClaimProcess("ingest:cam", "gw-a"));
        Assert.True(await stream.ClaimProcess("ingest:cam", "gw-b"));
    }
}
