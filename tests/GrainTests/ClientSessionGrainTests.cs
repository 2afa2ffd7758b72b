using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Grains;
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

    private async Task<ClientSessionState?> Stored(string clientId)
    {
        var storage = fixture.Cluster.Silos.Cast<InProcessSiloHandle>().First().SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Sessions);
        var read = new GrainState<ClientSessionState>();
        await storage.ReadStateAsync("client", _client.GetGrain<IClientSessionGrain>(clientId).GetGrainId(), read);
        return read.RecordExists ? read.State : null;
    }

    [Fact]
    public async Task Session_is_recorded_from_open_to_close()
    {
        var id = Ids.NewClientId();
        var session = _client.GetGrain<IClientSessionGrain>(id);
        var started = DateTime.UtcNow.AddSeconds(-5);

        await session.Open(Info(id, "gw-a", "Unknown", started: started));
        // Reopened once the role is known: the start time stays the first one.
        await session.Open(Info(id, "gw-a", "fmle-publish", publish: true, started: DateTime.UtcNow));
        await session.ReportTraffic(new ClientTraffic(id, SendBytes: 300, RecvBytes: 4000));
        await Eventually.True(async () => (await session.GetSnapshot())?.SendBytes == 300, "the one-way counters applied");

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
    }

    [Fact]
    public async Task The_record_is_written_after_the_opening_calls_then_at_most_once_a_minute_and_at_close()
    {
        var id = Ids.NewClientId();
        var session = _client.GetGrain<IClientSessionGrain>(id);
        await session.Open(Info(id, "gw-a", "Unknown"));
        await session.Connect(Info(id, "gw-a", "Unknown"));
        await session.Open(Info(id, "gw-a", "rtmp-play"));
        Assert.Null(await Stored(id));

        // One write shortly after, with all three calls in it.
        await Eventually.True(async () => await Stored(id) is not null, "the record is written");
        var first = (await Stored(id))!;
        Assert.Equal("rtmp-play", first.Info!.Type);
        Assert.True(first.Connected);

        // Counters within the minute stay in memory (the API reads live ones from the gateway grain).
        await session.ReportTraffic(new ClientTraffic(id, 1000, 10));
        await Eventually.True(async () => (await session.GetSnapshot())!.SendBytes == 1000, "the one-way counters applied");
        Assert.Equal(0, (await Stored(id))!.SendBytes);

        await session.Close(2000, 20);
        var closed = (await Stored(id))!;
        Assert.Equal((2000L, 20L), (closed.SendBytes, closed.RecvBytes));
        Assert.NotNull(closed.EndedUtc);
    }

    [Fact]
    public async Task A_lost_gateway_closes_only_the_sessions_it_held_and_only_once()
    {
        var (mine, other) = (Ids.NewClientId(), Ids.NewClientId());
        await _client.GetGrain<IClientSessionGrain>(mine).Open(Info(mine, "gw-lost"));
        await _client.GetGrain<IClientSessionGrain>(other).Open(Info(other, "gw-other"));

        await _client.GetGrain<IClientSessionGrain>(mine).GatewayLost("gw-lost", 500, 5);
        await _client.GetGrain<IClientSessionGrain>(other).GatewayLost("gw-lost", 500, 5);

        await Eventually.True(async () => (await _client.GetGrain<IClientSessionGrain>(mine).GetSnapshot())!.EndedUtc is not null, "the lost gateway's session is closed");
        var ended = (await _client.GetGrain<IClientSessionGrain>(mine).GetSnapshot())!;
        Assert.Equal((500L, 5L), (ended.SendBytes, ended.RecvBytes));
        Assert.Null((await _client.GetGrain<IClientSessionGrain>(other).GetSnapshot())!.EndedUtc);

        // A second loss (or the gateway's own late close) changes nothing about when it ended.
        await _client.GetGrain<IClientSessionGrain>(mine).GatewayLost("gw-lost", 900, 9);
        Assert.Equal(ended.EndedUtc, (await _client.GetGrain<IClientSessionGrain>(mine).GetSnapshot())!.EndedUtc);
        await _client.GetGrain<IClientSessionGrain>(other).Close(0, 0);
    }

    [Fact]
    public async Task A_close_that_overtakes_the_open_keeps_the_record_ended()
    {
        var id = Ids.NewClientId();
        var session = _client.GetGrain<IClientSessionGrain>(id);

        await session.Close(sendBytes: 10, recvBytes: 20);
        await session.Open(Info(id, "gw-a"));

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
