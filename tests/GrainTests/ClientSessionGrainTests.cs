using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.GrainTests;

public sealed class ClientSessionGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private readonly IClusterClient _client = fixture.Client;

    internal static ClientSessionInfo Info(string clientId, string gatewayId, string type = "rtmp-play",
        bool publish = false, DateTime? started = null) =>
        new(clientId, gatewayId, "192.168.1.10", "rtmp", type, publish, StreamKey.DefaultVhost, "live",
            "livestream", "vid-abcdefg", "rtmp://127.0.0.1/live", "http://page", "http://swf", "",
            started ?? DateTime.UtcNow);

    private async Task<bool> Listed(string clientId) =>
        (await _client.GetGrain<IClientDirectoryGrain>(0).List()).Contains(clientId);

    [Fact]
    public async Task Session_is_recorded_from_open_to_close()
    {
        var id = Ids.NewClientId();
        var session = _client.GetGrain<IClientSessionGrain>(id);
        var started = DateTime.UtcNow.AddSeconds(-5);

        await session.Open(Info(id, "gw-a", "Unknown", started: started));
        // Reopened once the role is known: the start time stays the first one.
        await session.Open(Info(id, "gw-a", "fmle-publish", publish: true, started: DateTime.UtcNow));
        await session.ReportTraffic(sendBytes: 300, recvBytes: 4000);
        Assert.True(await Listed(id));

        var live = await session.GetSnapshot();
        Assert.NotNull(live);
        Assert.Equal(started, live.Info.StartedUtc);
        Assert.Equal("fmle-publish", live.Info.Type);
        Assert.True(live.Info.Publish);
        Assert.Null(live.EndedUtc);
        Assert.Equal((300L, 4000L), (live.SendBytes, live.RecvBytes));

        await session.Close(sendBytes: 500, recvBytes: 9000);

        var ended = await session.GetSnapshot();
        Assert.NotNull(ended);
        Assert.NotNull(ended.EndedUtc);
        Assert.Equal((500L, 9000L), (ended.SendBytes, ended.RecvBytes));
        Assert.Equal((0, 0), (ended.KbpsSend30s, ended.KbpsRecv30s));
        Assert.False(await Listed(id));
    }

    [Fact]
    public async Task A_close_that_overtakes_the_open_keeps_the_client_unlisted()
    {
        var id = Ids.NewClientId();
        var session = _client.GetGrain<IClientSessionGrain>(id);

        await session.Close(sendBytes: 10, recvBytes: 20);
        await session.Open(Info(id, "gw-a"));

        Assert.False(await Listed(id));
        Assert.Null(await session.GetSnapshot());
    }

    /// <summary>Whether the silo holds an activation of this client's session grain.</summary>
    private async Task<bool> Active(string clientId) =>
        (await _client.GetGrain<IManagementGrain>(0).GetActiveGrains(GrainType.Create("clientsession")))
            .Contains(_client.GetGrain<IClientSessionGrain>(clientId).GetGrainId());

    [Fact]
    public async Task An_ended_session_leaves_no_activation_and_its_record_reads_back()
    {
        var id = Ids.NewClientId();
        var session = _client.GetGrain<IClientSessionGrain>(id);
        await session.Open(Info(id, "gw-a"));
        Assert.True(await Active(id));

        await session.Close(sendBytes: 500, recvBytes: 9000);

        await Eventually.True(async () => !await Active(id), "the ended session's activation is gone");
        var ended = await session.GetSnapshot();
        Assert.NotNull(ended?.EndedUtc);
        Assert.Equal((500L, 9000L), (ended.SendBytes, ended.RecvBytes));
    }

    [Fact]
    public async Task A_close_that_overtakes_the_open_is_remembered_after_its_activation_is_gone()
    {
        var id = Ids.NewClientId();
        var session = _client.GetGrain<IClientSessionGrain>(id);

        await session.Close(sendBytes: 10, recvBytes: 20);
        await Eventually.True(async () => !await Active(id), "the activation is gone");
        await session.Open(Info(id, "gw-a"));

        Assert.False(await Listed(id));
        Assert.Null(await session.GetSnapshot());
    }

    [Fact]
    public async Task An_early_open_arriving_late_does_not_erase_the_stream()
    {
        var id = Ids.NewClientId();
        var session = _client.GetGrain<IClientSessionGrain>(id);
        var started = DateTime.UtcNow.AddSeconds(-5);
        var connected = Info(id, "gw-a", "rtmp-play", started: started);
        // The connection's first open (nothing known yet) overtaken by the one sent after play.
        var early = connected with { Type = "Unknown", Vhost = "", App = "", Stream = "", StreamId = null, TcUrl = "", StartedUtc = started.AddSeconds(1) };

        await session.Open(connected);
        await session.Open(early);

        var live = await session.GetSnapshot();
        Assert.NotNull(live);
        Assert.Equal(connected, live.Info);
    }

    [Fact]
    public async Task Unknown_client_has_no_record_and_cannot_be_kicked()
    {
        var session = _client.GetGrain<IClientSessionGrain>(Ids.NewClientId());
        Assert.Null(await session.GetSnapshot());
        Assert.False(await session.Kick());
    }

    [Fact]
    public async Task Kick_reaches_the_gateway_holding_the_client()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var id = Ids.NewClientId();
        gateway.Held[id] = true;
        var session = _client.GetGrain<IClientSessionGrain>(id);
        await session.Open(Info(id, gateway.Id));

        Assert.True(await session.Kick());
        Assert.Contains(id, gateway.Kicked);

        // The gateway no longer holds it, so a second kick is answered false.
        Assert.False(await session.Kick());

        await session.Close(0, 0);
        Assert.False(await session.Kick()); // ended: not even asked
        Assert.Equal(2, gateway.Kicked.Count(k => k == id));
    }

    [Fact]
    public async Task Kick_fails_when_the_gateway_is_not_alive()
    {
        await using var gateway = new FakeGateway(_client);
        var id = Ids.NewClientId();
        gateway.Held[id] = true;
        var session = _client.GetGrain<IClientSessionGrain>(id);
        await session.Open(Info(id, gateway.Id)); // the gateway never heartbeats

        Assert.False(await session.Kick());
        Assert.Empty(gateway.Kicked);
        await session.Close(0, 0);
    }

    [Fact]
    public async Task Gateway_reads_as_dead_once_heartbeats_stop()
    {
        await using var gateway = new FakeGateway(_client);
        var grain = _client.GetGrain<IGatewayGrain>(gateway.Id);
        Assert.Null(await grain.GetInfo());

        await gateway.Heartbeat();
        Assert.Equal(gateway.Id, (await grain.GetInfo())?.GatewayId);

        await Eventually.True(async () => await grain.GetInfo() is null, "the gateway reads as dead");
    }
}
