using OrleansLive.Interfaces;

namespace OrleansLive.GrainTests;

/// <summary>Ingest claims: one gateway holds each wanted ingest while it reports it.</summary>
public sealed class ProcessDirectoryGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private readonly IProcessDirectoryGrain _grain = fixture.Client.GetGrain<IProcessDirectoryGrain>(0);

    private static ProcessStatus Status(string gateway, string key) =>
        new(ProcessKinds.Ingest, "cam", key, gateway, ProcessStates.Running, 42, 0, null, DateTime.UtcNow, ["ffmpeg"], ["line"]);

    [Fact]
    public async Task The_first_gateway_keeps_a_claim_until_it_no_longer_wants_it()
    {
        var id = Ids.Random(6);
        var (a, b, key) = ("gw-a-" + id, "gw-b-" + id, $"v/live/{id}#cam");

        Assert.Equal([key], await _grain.Report(new ProcessReport(a, [key], [])));
        Assert.Empty(await _grain.Report(new ProcessReport(b, [key], [])));
        Assert.Equal([key], await _grain.Report(new ProcessReport(a, [key], [Status(a, key)])));

        var listed = (await _grain.List()).Where(p => p.StreamKey == key).ToList();
        Assert.Equal(a, Assert.Single(listed).GatewayId);

        // Gateway a's configuration lost the ingest: the claim goes to the next gateway that asks.
        Assert.Empty(await _grain.Report(new ProcessReport(a, [], [])));
        Assert.Equal([key], await _grain.Report(new ProcessReport(b, [key], [Status(b, key)])));
        Assert.Empty(await _grain.Report(new ProcessReport(a, [key], [])));
        Assert.Equal(b, Assert.Single(await _grain.List(), p => p.StreamKey == key).GatewayId);
    }
}
