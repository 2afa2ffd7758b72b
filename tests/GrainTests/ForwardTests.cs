using Orleans.Core.Internal;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Grains.Forward;
using OrleansLive.Interfaces;

namespace OrleansLive.GrainTests;

/// <summary>The stream grain's forward plan and state, and the SRS rules it follows.</summary>
public sealed class ForwardTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private readonly IClusterClient _client = fixture.Client;

    [Theory]
    [InlineData("10.0.0.2:1936", "__defaultVhost__", "", "rtmp://10.0.0.2:1936/live/s")]
    [InlineData("10.0.0.2", "__defaultVhost__", "?token=a", "rtmp://10.0.0.2/live/s?token=a")]
    [InlineData("rtmp://10.0.0.2:1936/mirror", "v.test", "", "rtmp://10.0.0.2:1936/mirror/s?vhost=v.test")]
    [InlineData("rtmp://10.0.0.2/mirror/", "v.test", "?token=a", "rtmp://10.0.0.2/mirror/s?token=a&vhost=v.test")]
    [InlineData("rtmp://10.0.0.2", "v.test", "?vhost=v.test&token=a", "rtmp://10.0.0.2/live/s?vhost=v.test&token=a")]
    [InlineData(" 10.0.0.2:1936 ", "__defaultVhost__", "", "rtmp://10.0.0.2:1936/live/s")]
    public void Destinations_become_rtmp_urls_the_srs_way(string destination, string vhost, string param, string expected) =>
        Assert.Equal(expected, ForwardDestinations.ToUrl(destination, vhost, "live", "s", param));

    [Theory]
    [InlineData("")]
    [InlineData("http://10.0.0.2/live")]
    [InlineData("rtmp:///live")]
    [InlineData("rtmp://10.0.0.2/live?x=1")]
    public void Other_destinations_are_refused(string destination) =>
        Assert.Null(ForwardDestinations.ToUrl(destination, "v.test", "live", "s", ""));

    [Theory]
    [InlineData(200, """{"code":0,"data":{"urls":["rtmp://a/live/s","","rtmp://b/live/s"]}}""", 2)]
    [InlineData(201, """{"code":0,"data":{"urls":[]}}""", 0)]
    public void Backend_answers_with_urls(int status, string body, int count)
    {
        Assert.True(ForwardBackendClient.TryParseUrls(status, body, out var urls, out _));
        Assert.Equal(count, urls.Count);
        Assert.DoesNotContain("", urls);
    }

    [Theory]
    [InlineData(500, """{"code":0,"data":{"urls":["rtmp://a/live/s"]}}""")]
    [InlineData(200, "")]
    [InlineData(200, "0")]
    [InlineData(200, "not json")]
    [InlineData(200, """{"code":1,"data":{"urls":["rtmp://a/live/s"]}}""")]
    [InlineData(200, """{"code":"0","data":{"urls":["rtmp://a/live/s"]}}""")]
    [InlineData(200, """{"code":0}""")]
    [InlineData(200, """{"code":0,"data":{"urls":[1]}}""")]
    public void Other_backend_answers_name_no_destination(int status, string body)
    {
        Assert.False(ForwardBackendClient.TryParseUrls(status, body, out var urls, out var error));
        Assert.Empty(urls);
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task Plan_is_for_the_publisher_only_and_its_state_lasts_as_long_as_the_publish()
    {
        var vhost = "fwd" + Ids.Random(6) + ".test";
        // The backend port is closed: it fails and only the static destinations remain.
        await _client.GetGrain<IVhostGrain>(vhost).SetSettings(new VhostSettings(
            Forward: new ForwardSettings(true, ["10.0.0.2:1936", "rtmp://10.0.0.3/mirror", "not a destination"], "http://127.0.0.1:1/on_forward")));
        var key = StreamKey.Of(vhost, "live", "s");
        var stream = _client.GetGrain<IStreamGrain>(key);
        Assert.True((await stream.AcquirePublish(new PublishClaim("pub00001", "gw-test", "10.0.0.1", "rtmp://127.0.0.1/live", "?token=a"))).Granted);

        Assert.Empty(await stream.GetForwardPlan("other01"));
        var plan = await stream.GetForwardPlan("pub00001");
        string[] expected = [$"rtmp://10.0.0.2:1936/live/s?token=a&vhost={vhost}", $"rtmp://10.0.0.3/mirror/s?token=a&vhost={vhost}"];
        Assert.Equal(expected, plan);
        var snapshot = await stream.GetSnapshot();
        Assert.Equal(expected, snapshot.Forwards!.Select(f => f.Url));
        Assert.All(snapshot.Forwards!, f => Assert.Equal((ForwardStates.Connecting, 0), (f.State, f.Attempts)));

        var now = DateTime.UtcNow;
        await stream.ReportForward(new ForwardStatus(expected[0], ForwardStates.Retrying, 2, "refused", now));
        // Late or foreign reports change nothing.
        await stream.ReportForward(new ForwardStatus(expected[0], ForwardStates.Connecting, 1, null, now.AddSeconds(-1)));
        await stream.ReportForward(new ForwardStatus("rtmp://elsewhere/live/s", ForwardStates.Active, 1, null, now));
        await stream.ReportForward(new ForwardStatus(expected[1], ForwardStates.Active, 1, null, now));
        snapshot = await stream.GetSnapshot();
        Assert.Equal(
            [(ForwardStates.Retrying, 2, "refused"), (ForwardStates.Active, 1, null)],
            snapshot.Forwards!.Select(f => (f.State, f.Attempts, f.LastError)));

        await stream.ReleasePublish("pub00001");
        Assert.Null((await stream.GetSnapshot()).Forwards);
        await stream.ReportForward(new ForwardStatus(expected[1], ForwardStates.Stopped, 1, null, DateTime.UtcNow));
        Assert.Null((await stream.GetSnapshot()).Forwards);
    }

    [Fact]
    public async Task Forward_state_survives_the_stream_grain_moving()
    {
        await using var gateway = new FakeGateway(_client);
        await gateway.StartHeartbeats();
        var vhost = "fwdmove" + Ids.Random(6) + ".test";
        await _client.GetGrain<IVhostGrain>(vhost).SetSettings(new VhostSettings(Forward: new ForwardSettings(true, ["10.0.0.2:1936"], "")));
        var stream = _client.GetGrain<IStreamGrain>(StreamKey.Of(vhost, "live", "s"));
        Assert.True((await stream.AcquirePublish(new PublishClaim("pub00003", gateway.Id, "10.0.0.1", "rtmp://127.0.0.1/live", ""))).Granted);
        var url = Assert.Single(await stream.GetForwardPlan("pub00003"));
        await stream.ReportForward(new ForwardStatus(url, ForwardStates.Active, 1, null, DateTime.UtcNow));
        // Kept in memory only: its absence later shows the activation is a new one.
        await stream.ReportTraffic(new StreamTraffic(gateway.Id, "pub00003", 100, 0, 1, 0, new AudioBridgeInfo(gateway.Id, "rtc", "aac", "opus", 48000, 2, 48000, 1, 1, 0)));
        await Eventually.True(async () => (await stream.GetSnapshot()).AudioBridges is not null, "the one-way report applied");

        // The activation ends (as when its silo leaves) and the next call activates it from storage.
        await stream.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await Eventually.True(async () => (await stream.GetSnapshot()).AudioBridges is null, "a new activation of the stream");
        var forward = Assert.Single((await stream.GetSnapshot()).Forwards!);
        Assert.Equal((url, ForwardStates.Active), (forward.Url, forward.State));
        await stream.ReleasePublish("pub00003");
    }

    [Fact]
    public async Task Vhost_without_forward_has_no_plan()
    {
        var key = StreamKey.Of(StreamKey.DefaultVhost, "live", "nf" + Ids.Random(6));
        var stream = _client.GetGrain<IStreamGrain>(key);
        Assert.True((await stream.AcquirePublish(new PublishClaim("pub00002", "gw-test", "10.0.0.1", "rtmp://127.0.0.1/live", ""))).Granted);
        Assert.Empty(await stream.GetForwardPlan("pub00002"));
        Assert.Null((await stream.GetSnapshot()).Forwards);
        await stream.ReleasePublish("pub00002");
    }
}

/// <summary>Forward settings are checked with the rest of a vhost's configuration.</summary>
public sealed class ForwardConfigTests
{
    [Fact]
    public void Bad_destinations_and_backend_are_reported_with_their_keys()
    {
        var options = new OrleansLive.Grains.VhostOptions();
        options.Forward.Enabled = true;
        options.Forward.Destinations = ["10.0.0.2:1935", "http://10.0.0.2/live"];
        options.Forward.Backend = "ftp://backend";
        var errors = OrleansLive.Grains.Config.VhostConfigValidator.Validate("v.test", options);
        Assert.Equal(2, errors.Count);
        Assert.StartsWith("Vhosts:v.test:Forward:Destinations:1 ", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("Vhosts:v.test:Forward:Backend ", errors[1], StringComparison.Ordinal);
    }
}
