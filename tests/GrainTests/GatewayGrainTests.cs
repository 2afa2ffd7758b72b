using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.GrainTests;

/// <summary>The gateway's one traffic report a second, fanned out by its grain, and the per-gateway client directory.</summary>
public sealed class GatewayGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private readonly IClusterClient _client = fixture.Client;

    private async Task<string> OpenSession(FakeGateway gateway)
    {
        var id = Ids.NewClientId();
        await _client.GetGrain<IClientSessionGrain>(id).Open(ClientSessionGrainTests.Info(id, gateway.Id));
        return id;
    }

    private Task<ClientSessionSnapshot?> Session(string id) => _client.GetGrain<IClientSessionGrain>(id).GetSnapshot();

    [Fact]
    public async Task One_report_carries_every_stream_and_reaches_each_stream_grain()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var (published, played) = (StreamKey.Of(StreamKey.DefaultVhost, "live", "b" + Ids.Random(6)), StreamKey.Of(StreamKey.DefaultVhost, "live", "b" + Ids.Random(6)));
        var stream = _client.GetGrain<IStreamGrain>(published);
        Assert.True((await stream.AcquirePublish(new PublishClaim("pubbatch", gateway.Id, "10.0.0.1", "rtmp://h/live", ""))).Granted);

        // Well past the lease timeout, the publisher's lease lives on the gateway's reports alone.
        var until = DateTime.UtcNow + TestTimeouts.Lease * 2;
        long bytes = 0;
        while (DateTime.UtcNow < until)
        {
            bytes += 1000;
            await gateway.Report(full: true, streams:
            [
                new StreamTrafficEntry(published, new StreamTraffic(gateway.Id, "pubbatch", bytes, 0, bytes / 100, 0)),
                new StreamTrafficEntry(played, new StreamTraffic(gateway.Id, null, 0, bytes, 0, 2)),
            ]);
            await Task.Delay(TestTimeouts.ReportEvery);
        }
        Assert.Equal("pubbatch", (await stream.GetPublisher())?.ClientId);
        await Eventually.True(async () => (await stream.GetSnapshot()).RecvBytes == bytes, "the publisher's counters reach its stream");
        await Eventually.True(async () => (await _client.GetGrain<IStreamGrain>(played).GetSnapshot()).SendBytes == bytes, "the players' counters reach theirs");

        var totals = await _client.GetGrain<IGatewayGrain>(gateway.Id).GetTotals();
        Assert.Equal((bytes, bytes), (totals.StreamRecvBytes, totals.StreamSendBytes));

        // A report sent because connections opened carries no streams, and leaves them as they are.
        var grain = _client.GetGrain<IGatewayGrain>(gateway.Id);
        await grain.Report(new GatewayReport(gateway.Id, gateway.StartedUtc, long.MaxValue, false, null, [new("cbatch01", 0, 0)], []));
        Assert.Equal(totals with { Clients = 1 }, await grain.GetTotals());
        await stream.ReleasePublish("pubbatch");
    }

    [Fact]
    public async Task Each_gateway_holds_its_own_clients_in_id_order_and_reports_carry_only_changes()
    {
        await using var a = new FakeGateway(_client);
        await using var b = new FakeGateway(_client);
        await a.StartHeartbeats();
        await b.StartHeartbeats();
        var ids = new[] { "c0000003", "c0000001", "c0000002" }.Select(p => p + Ids.Random(2)).ToArray();
        Assert.False(await a.Report(full: true, [new(ids[0], 10, 1), new(ids[1], 20, 2)]));
        Assert.False(await b.Report(full: true, [new(ids[2], 30, 3)]));

        var pageA = await _client.GetGrain<IGatewayGrain>(a.Id).ListClients(10);
        Assert.Equal(2, pageA.Total);
        Assert.Equal([ids[1], ids[0]], pageA.Clients.Select(c => c.ClientId));
        Assert.Equal([ids[1]], (await _client.GetGrain<IGatewayGrain>(a.Id).ListClients(1)).Clients.Select(c => c.ClientId));
        Assert.Equal([ids[2]], (await _client.GetGrain<IGatewayGrain>(b.Id).ListClients(10)).Clients.Select(c => c.ClientId));
        Assert.Contains(a.Id, await _client.GetGrain<IGatewayDirectoryGrain>(0).List());

        // A later report names only what changed: one client's counters moved, one closed, one opened.
        var added = "c0000004" + Ids.Random(2);
        Assert.False(await a.Report(full: false, [new(ids[0], 500, 1), new(added, 0, 0)], closed: [ids[1]]));
        var counters = await _client.GetGrain<IGatewayGrain>(a.Id).ListClients(10);
        Assert.Equal([ids[0], added], counters.Clients.Select(c => c.ClientId));
        Assert.Equal(500, counters.Clients[0].SendBytes);
        Assert.Null(await _client.GetGrain<IGatewayGrain>(a.Id).GetClient(ids[1]));
        Assert.Equal(2, (await _client.GetGrain<IGatewayGrain>(a.Id).GetTotals()).Clients);

        // A full report says exactly which connections there are.
        Assert.False(await a.Report(full: true, [new(added, 0, 0)]));
        Assert.Equal([added], (await _client.GetGrain<IGatewayGrain>(a.Id).ListClients(10)).Clients.Select(c => c.ClientId));
    }

    [Fact]
    public async Task A_grain_that_does_not_know_the_gateways_connections_asks_for_all_of_them()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        // As after the grain's silo died: the gateway sends only changes, the grain knows nothing.
        Assert.True(await gateway.Report(full: false, [new("cpart001", 1, 1)]));
        Assert.True(await gateway.Report(full: false, []));
        Assert.False(await gateway.Report(full: true, [new("cpart001", 1, 1), new("cpart002", 2, 2)]));
        Assert.Equal(2, (await _client.GetGrain<IGatewayGrain>(gateway.Id).GetTotals()).Clients);
    }

    [Fact]
    public async Task A_late_report_does_not_undo_a_newer_one()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var grain = _client.GetGrain<IGatewayGrain>(gateway.Id);
        var run = gateway.StartedUtc;
        await grain.Report(new GatewayReport(gateway.Id, run, 2, true, [], [new("clate001", 900, 9)], []));
        await grain.Report(new GatewayReport(gateway.Id, run, 1, true, [], [new("clate001", 100, 1)], []));
        Assert.Equal(900, (await grain.GetClient("clate001"))?.SendBytes);
    }

    [Fact]
    public async Task Moving_counters_reach_the_session_record_at_most_once_per_interval()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var id = await OpenSession(gateway);
        await gateway.Report(full: true, [new(id, 0, 0)]);

        // Within the interval the record keeps what it had; the gateway grain has the latest.
        await gateway.Report(full: false, [new(id, 100, 1)]);
        Assert.Equal(0, (await Session(id))!.SendBytes);
        Assert.Equal(100, (await _client.GetGrain<IGatewayGrain>(gateway.Id).GetClient(id))?.SendBytes);

        await Eventually.True(async () =>
        {
            await gateway.Report(full: false, [new(id, (await Session(id))!.SendBytes + 100, 1)]);
            return (await Session(id))!.SendBytes > 0;
        }, "the counters are forwarded once the interval passed");
        await _client.GetGrain<IClientSessionGrain>(id).Close(0, 0);
    }

    [Fact]
    public async Task A_gateway_that_stops_heartbeating_and_reporting_closes_the_sessions_it_held()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var ids = new[] { await OpenSession(gateway), await OpenSession(gateway) };
        await gateway.Report(full: true, ids.Select(id => new ClientTraffic(id, 4000, 40)));
        Assert.Equal(2, (await _client.GetGrain<IGatewayGrain>(gateway.Id).ListClients(10)).Total);

        gateway.StopHeartbeats();
        foreach (var id in ids)
        {
            await Eventually.True(async () => (await Session(id))!.EndedUtc is not null, $"session {id} closed with its gateway");
            Assert.Equal(4000, (await Session(id))!.SendBytes);
        }
        Assert.Equal(0, (await _client.GetGrain<IGatewayGrain>(gateway.Id).ListClients(10)).Total);
        await Eventually.True(async () => !(await _client.GetGrain<IGatewayDirectoryGrain>(0).List()).Contains(gateway.Id), "the gateway is no longer listed");
    }

    [Fact]
    public async Task A_restarted_gateway_process_closes_the_sessions_of_its_earlier_run()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var old = await OpenSession(gateway);
        await gateway.Report(full: true, [new(old, 1, 1)]);

        gateway.StartedUtc = DateTime.UtcNow.AddSeconds(1);
        var fresh = await OpenSession(gateway);
        Assert.False(await gateway.Report(full: true, [new(fresh, 0, 0)]));

        await Eventually.True(async () => (await Session(old))!.EndedUtc is not null, "the earlier run's session is closed");
        Assert.Null((await Session(fresh))!.EndedUtc);
        Assert.Equal([fresh], (await _client.GetGrain<IGatewayGrain>(gateway.Id).ListClients(10)).Clients.Select(c => c.ClientId));
        await _client.GetGrain<IClientSessionGrain>(fresh).Close(0, 0);
    }
}
