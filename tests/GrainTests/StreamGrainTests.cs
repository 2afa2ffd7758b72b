using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Grains;
using OrleansLive.Interfaces;

namespace OrleansLive.GrainTests;

public sealed class StreamGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private readonly IClusterClient _client = fixture.Client;

    private static string NewKey() => StreamKey.Of(StreamKey.DefaultVhost, "live", "s" + Ids.Random(8));

    private static PublishClaim Claim(string clientId, string gatewayId) =>
        new(clientId, gatewayId, "10.0.0.1", "rtmp://127.0.0.1/live", "");

    private static PlayClaim PlayClaim(string clientId, string gatewayId) =>
        new(clientId, gatewayId, "10.0.0.2", "rtmp://127.0.0.1/live", "", "");

    private async Task<bool> Listed(string streamId) =>
        (await StreamDirectory.ListAsync(_client)).Any(e => e.StreamId == streamId);

    [Fact]
    public async Task A_stream_only_played_leaves_no_record_and_a_published_one_is_stored()
    {
        var storage = fixture.Cluster.Silos.Cast<InProcessSiloHandle>().First().SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Streams);
        async Task<bool> Stored(IStreamGrain grain)
        {
            var read = new GrainState<StreamState>();
            await storage.ReadStateAsync("stream", grain.GetGrainId(), read);
            return read.RecordExists;
        }

        var played = _client.GetGrain<IStreamGrain>(NewKey());
        Assert.True((await played.PlayerJoined(PlayClaim("play0001", "gw-a"))).Allowed);
        await played.ReportTraffic(new StreamTraffic("gw-a", null, 0, 1000, 0, 1));
        await played.PlayerLeft("play0001");
        Assert.False(await Stored(played), "a name only players asked for is not stored");

        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var published = _client.GetGrain<IStreamGrain>(NewKey());
        Assert.True((await published.AcquirePublish(Claim("pub00002", gateway.Id))).Granted);
        Assert.True(await Stored(published));
    }

    [Fact]
    public async Task Publish_lease_is_granted_and_the_stream_is_listed()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var key = NewKey();
        var stream = _client.GetGrain<IStreamGrain>(key);

        var verdict = await stream.AcquirePublish(Claim("pub00001", gateway.Id));

        Assert.True(verdict.Granted);
        Assert.Null(verdict.Reason);
        Assert.Matches("^vid-[0-9a-z]{7}$", verdict.StreamId);
        Assert.Equal(key, await StreamDirectory.ResolveAsync(_client, verdict.StreamId));
        Assert.Equal(new PublisherLocation("pub00001", gateway.Id), await stream.GetPublisher());

        var snapshot = await stream.GetSnapshot();
        Assert.True(snapshot.Active);
        Assert.Equal(verdict.StreamId, snapshot.StreamId);
        Assert.Equal(("live", StreamKey.DefaultVhost), (snapshot.App, snapshot.Vhost));
        Assert.Equal("pub00001", snapshot.PublisherClientId);
        Assert.Equal(1, snapshot.Clients);
        Assert.Equal("rtmp://127.0.0.1/live", snapshot.TcUrl);
        Assert.NotNull(snapshot.PublishedAtUtc);

        // The same client asking again (a retried publish) keeps the lease and the stream id.
        var again = await stream.AcquirePublish(Claim("pub00001", gateway.Id));
        Assert.True(again.Granted);
        Assert.Equal(verdict.StreamId, again.StreamId);

        await stream.ReleasePublish("pub00001");
    }

    [Fact]
    public async Task Second_publisher_is_refused_while_the_first_keeps_reporting()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var key = NewKey();
        var stream = _client.GetGrain<IStreamGrain>(key);
        Assert.True((await stream.AcquirePublish(Claim("first001", gateway.Id))).Granted);
        gateway.StartReporting(key, "first001");

        // Keep trying for well past the lease timeout: the reports keep renewing the lease.
        var clock = Stopwatch.StartNew();
        var attempts = 0;
        while (clock.Elapsed < TestTimeouts.Lease * 2.5)
        {
            var verdict = await stream.AcquirePublish(Claim("second01", "gw-other"));
            Assert.False(verdict.Granted);
            Assert.Contains("StreamBusy", verdict.Reason);
            attempts++;
            await Task.Delay(250);
        }
        Assert.True(attempts > 5);
        Assert.Equal("first001", (await stream.GetPublisher())?.ClientId);

        gateway.StopReporting();
        await stream.ReleasePublish("first001");
    }

    [Fact]
    public async Task Release_clears_the_lease_and_unlists_the_stream()
    {
        var key = NewKey();
        var stream = _client.GetGrain<IStreamGrain>(key);
        var streamId = (await stream.AcquirePublish(Claim("holder01", "gw-a"))).StreamId;
        Assert.True(await Listed(streamId));

        await stream.ReleasePublish("stranger"); // not the holder: nothing happens
        Assert.True((await stream.GetSnapshot()).Active);

        await stream.ReleasePublish("holder01");

        var snapshot = await stream.GetSnapshot();
        Assert.False(snapshot.Active);
        Assert.Equal("holder01", snapshot.PublisherClientId); // SRS keeps showing the last publisher
        Assert.Equal(0, snapshot.Clients);
        Assert.Null(await stream.GetPublisher());
        Assert.False(await Listed(streamId));

        var next = await stream.AcquirePublish(Claim("holder02", "gw-b"));
        Assert.True(next.Granted);
        Assert.Equal(streamId, next.StreamId); // the stream id outlives publish sessions
        await stream.ReleasePublish("holder02");
    }

    [Fact]
    public async Task Lease_expires_when_the_holder_stops_reporting()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats(); // the gateway stays alive: only the missing reports end the lease
        var key = NewKey();
        var stream = _client.GetGrain<IStreamGrain>(key);
        var streamId = (await stream.AcquirePublish(Claim("quiet001", gateway.Id))).StreamId;
        gateway.StartReporting(key, "quiet001");
        await Eventually.True(async () => (await stream.GetSnapshot()).RecvBytes > 0, "traffic is counted");

        gateway.StopReporting();

        // Only the directory is polled, so it is the grain's own timer that ends the lease.
        await Eventually.True(async () => !await Listed(streamId), "the stream leaves the directory");
        Assert.False((await stream.GetSnapshot()).Active);
        Assert.True((await stream.AcquirePublish(Claim("next0001", gateway.Id))).Granted);
        await stream.ReleasePublish("next0001");
    }

    [Fact]
    public async Task Lease_is_released_when_the_holders_gateway_goes_silent()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var key = NewKey();
        var stream = _client.GetGrain<IStreamGrain>(key);
        Assert.True((await stream.AcquirePublish(Claim("orphan01", gateway.Id))).Granted);
        gateway.StartReporting(key, "orphan01");
        await Eventually.True(async () => (await stream.GetSnapshot()).RecvBytes > 0, "traffic is counted");

        gateway.StopHeartbeats();
        gateway.StopReporting();

        await Eventually.True(async () => !(await stream.GetSnapshot()).Active, "the lease is released");
        Assert.Null(await _client.GetGrain<IGatewayGrain>(gateway.Id).GetInfo());
        Assert.True((await stream.AcquirePublish(Claim("rescue01", "gw-new"))).Granted);
        await stream.ReleasePublish("rescue01");
    }

    [Fact]
    public async Task A_gateway_that_still_reports_keeps_its_publishers_lease_while_its_heartbeats_are_lost()
    {
        // As after a silo's death: the gateway grain starts afresh and the heartbeat is held up, the reports go on.
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var key = NewKey();
        var stream = _client.GetGrain<IStreamGrain>(key);
        Assert.True((await stream.AcquirePublish(Claim("steady01", gateway.Id))).Granted);
        gateway.StartReporting(key, "steady01");

        gateway.StopHeartbeats();
        await Eventually.True(async () => await _client.GetGrain<IGatewayGrain>(gateway.Id).GetInfo() is null, "the gateway's heartbeat lapses");
        // Two lease timeouts: the grain's check runs every quarter of one, and would end the lease in the first.
        await Task.Delay(TestTimeouts.Lease * 2);

        var snapshot = await stream.GetSnapshot();
        Assert.True(snapshot.Active);
        Assert.Equal("steady01", snapshot.PublisherClientId);
        gateway.StopReporting();
        await stream.ReleasePublish("steady01");
    }

    [Fact]
    public async Task A_lapsed_lease_is_given_back_when_its_publisher_reports_again_and_nobody_took_the_stream()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var key = NewKey();
        var stream = _client.GetGrain<IStreamGrain>(key);
        var streamId = (await stream.AcquirePublish(Claim("lapse001", gateway.Id))).StreamId;
        await stream.SetCodecs("lapse001", new VideoInfo("H264", "High", "3.1", 640, 360), null);
        gateway.StartReporting(key, "lapse001");
        await Eventually.True(async () => (await stream.GetSnapshot()).RecvBytes > 0, "traffic is counted");
        gateway.StopReporting();
        await Eventually.True(async () => !(await stream.GetSnapshot()).Active, "the lease lapses");

        gateway.StartReporting(key, "lapse001");

        await Eventually.True(async () => (await stream.GetSnapshot()).Active, "the publisher holds the stream again");
        var again = await stream.GetSnapshot();
        Assert.Equal(("lapse001", streamId), (again.PublisherClientId, again.StreamId));
        Assert.Equal("H264", again.Video?.Codec);
        Assert.True(await Listed(streamId));
        gateway.StopReporting();
        await stream.ReleasePublish("lapse001");
    }

    [Fact]
    public async Task A_lease_ended_by_its_publisher_or_taken_by_another_is_not_given_back()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var key = NewKey();
        var stream = _client.GetGrain<IStreamGrain>(key);
        Assert.True((await stream.AcquirePublish(Claim("ender001", gateway.Id))).Granted);
        await stream.ReleasePublish("ender001");
        gateway.StartReporting(key, "ender001"); // late reports of a publisher that ended
        await Task.Delay(TestTimeouts.ReportEvery * 3);
        Assert.False((await stream.GetSnapshot()).Active);
        gateway.StopReporting();

        Assert.True((await stream.AcquirePublish(Claim("lapse002", gateway.Id))).Granted);
        gateway.StartReporting(key, "lapse002");
        await Eventually.True(async () => (await stream.GetSnapshot()).RecvBytes > 0, "traffic is counted");
        gateway.StopReporting();
        await Eventually.True(async () => !(await stream.GetSnapshot()).Active, "the lease lapses");
        Assert.True((await stream.AcquirePublish(Claim("taker001", "gw-other"))).Granted);
        gateway.StartReporting(key, "lapse002");
        await Task.Delay(TestTimeouts.ReportEvery * 3);

        Assert.Equal("taker001", (await stream.GetSnapshot()).PublisherClientId);
        gateway.StopReporting();
        await stream.ReleasePublish("taker001");
    }

    [Fact]
    public async Task Players_list_the_stream_and_count_as_clients()
    {
        var key = NewKey();
        var stream = _client.GetGrain<IStreamGrain>(key);

        var verdict = await stream.PlayerJoined(PlayClaim("player01", "gw-a"));
        Assert.True((await stream.PlayerJoined(PlayClaim("player02", "gw-b"))).Allowed);
        var streamId = verdict.StreamId;

        Assert.True(verdict.Allowed);
        Assert.Matches("^vid-[0-9a-z]{7}$", streamId);
        Assert.True(await Listed(streamId));
        var snapshot = await stream.GetSnapshot();
        Assert.Equal(2, snapshot.Clients);
        Assert.False(snapshot.Active);

        await stream.PlayerLeft("player01");
        await stream.PlayerLeft("player02");
        Assert.False(await Listed(streamId));
    }

    [Fact]
    public async Task Traffic_is_summed_over_gateways_and_survives_a_counter_reset()
    {
        var key = NewKey();
        var stream = _client.GetGrain<IStreamGrain>(key);
        await stream.AcquirePublish(Claim("pub00002", "gw-origin"));

        // Reports are one-way: each is waited for until the snapshot shows it.
        async Task Report(StreamTraffic traffic, long totalRecv)
        {
            await stream.ReportTraffic(traffic);
            await Eventually.True(async () => (await stream.GetSnapshot()).RecvBytes == totalRecv, $"report {traffic} applied");
        }
        await Report(new StreamTraffic("gw-origin", "pub00002", 1000, 200, 10, 1), 1000);
        await Report(new StreamTraffic("gw-edge", null, 900, 5000, 10, 3), 1900);
        await Report(new StreamTraffic("gw-origin", "pub00002", 3000, 400, 30, 1), 3900);
        // The edge restarted counting: what it had counted before still counts.
        await Report(new StreamTraffic("gw-edge", null, 100, 700, 0, 3), 4000);

        var snapshot = await stream.GetSnapshot();
        Assert.Equal(3000 + 900 + 100, snapshot.RecvBytes);
        Assert.Equal(400 + 5000 + 700, snapshot.SendBytes);
        Assert.Equal(30, snapshot.VideoFrames); // frames come from the publisher's gateway only
        await stream.ReleasePublish("pub00002");
    }

    [Fact]
    public async Task The_snapshot_shown_is_the_one_the_publishers_gateway_reports_while_it_publishes()
    {
        var key = NewKey();
        var stream = _client.GetGrain<IStreamGrain>(key);
        await stream.AcquirePublish(Claim("pub00009", "gw-a"));
        var taken = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        var image = new SnapshotImageInfo("gw-a", taken, 320, 180, 9000);
        await stream.ReportTraffic(new StreamTraffic("gw-a", "pub00009", 10, 0, 1, 0, Snapshot: image));
        // A player's gateway reports none; that does not hide the publisher's.
        await stream.ReportTraffic(new StreamTraffic("gw-b", null, 0, 10, 0, 1));
        // Traffic reports are one-way calls: wait for each to land.
        await Eventually.True(async () => (await stream.GetSnapshot()).Snapshot == image, "the publisher's snapshot is shown");

        await stream.ReportTraffic(new StreamTraffic("gw-a", "pub00009", 20, 0, 2, 0));
        await Eventually.True(async () => (await stream.GetSnapshot()).Snapshot is null, "a report without one clears it");

        await stream.ReportTraffic(new StreamTraffic("gw-a", "pub00009", 30, 0, 3, 0, Snapshot: image));
        await Eventually.True(async () => (await stream.GetSnapshot()).Snapshot == image, "the next snapshot is shown");
        await stream.ReleasePublish("pub00009");
        Assert.Null((await stream.GetSnapshot()).Snapshot);
    }

    [Fact]
    public async Task Bitrate_is_computed_from_reports()
    {
        var key = NewKey();
        var stream = _client.GetGrain<IStreamGrain>(key);
        await stream.AcquirePublish(Claim("pub00003", "gw-a"));
        await stream.ReportTraffic(new StreamTraffic("gw-a", "pub00003", 0, 0, 0, 0));
        var clock = Stopwatch.StartNew();
        await Eventually.True(async () =>
        {
            // 125 kB more each time: at least 1000 kbit over the elapsed seconds, so kbps > 0.
            var bytes = 125_000 * (long)(clock.ElapsedMilliseconds / 100 + 1);
            await stream.ReportTraffic(new StreamTraffic("gw-a", "pub00003", bytes, bytes / 2, 0, 0));
            var s = await stream.GetSnapshot();
            return s.KbpsRecv30s > 0 && s.KbpsSend30s > 0;
        }, "kbps is known");
        await stream.ReleasePublish("pub00003");
    }

    [Fact]
    public async Task Codecs_are_taken_from_the_lease_holder_only()
    {
        var key = NewKey();
        var stream = _client.GetGrain<IStreamGrain>(key);
        await stream.AcquirePublish(Claim("pub00004", "gw-a"));
        var video = new VideoInfo("H264", "High", "3.1", 1280, 720);
        var audio = new AudioInfo("AAC", 44100, 2, "LC");

        await stream.SetCodecs("intruder", new VideoInfo("HEVC", "Main", "5.1", 1, 1), null);
        Assert.Null((await stream.GetSnapshot()).Video);

        await stream.SetCodecs("pub00004", video, null);
        await stream.SetCodecs("pub00004", null, audio);
        var snapshot = await stream.GetSnapshot();
        Assert.Equal(video, snapshot.Video);
        Assert.Equal(audio, snapshot.Audio);

        await stream.ReleasePublish("pub00004");
        Assert.Null((await stream.GetSnapshot()).Video); // codec facts end with the publish session
    }
}
