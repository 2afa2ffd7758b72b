using OrleansLive.Interfaces;

namespace OrleansLive.GrainTests.Hooks;

/// <summary>The stream grain applies its vhost's security rules (configured in <see cref="ClusterFixture"/>).</summary>
public sealed class StreamGrainSecurityTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private readonly IClusterClient _client = fixture.Client;

    private IStreamGrain NewStream() =>
        _client.GetGrain<IStreamGrain>(StreamKey.Of(ClusterFixture.SecureVhost, "live", "s" + Ids.Random(8)));

    [Fact]
    public async Task A_deny_rule_refuses_the_publisher_and_others_may_publish()
    {
        var stream = NewStream();

        var refused = await stream.AcquirePublish(new PublishClaim("deny0001", "gw-a", "10.0.0.1", "rtmp://h/live", ""));
        Assert.False(refused.Granted);
        Assert.Contains("security: publish from 10.0.0.1 denied by 'deny publish 10.0.0.1'", refused.Reason);
        Assert.Null(await stream.GetPublisher());

        var granted = await stream.AcquirePublish(new PublishClaim("good0001", "gw-a", "10.0.0.9", "rtmp://h/live", ""));
        Assert.True(granted.Granted, granted.Reason);
        await stream.ReleasePublish("good0001");
    }

    [Fact]
    public async Task Play_rules_are_separate_from_publish_rules()
    {
        var stream = NewStream();

        var allowed = await stream.PlayerJoined(new PlayClaim("play0001", "gw-a", "10.0.0.1", "rtmp://h/live", "", ""));
        Assert.True(allowed.Allowed, allowed.Reason);
        var refused = await stream.PlayerJoined(new PlayClaim("play0002", "gw-a", "10.6.6.6", "rtmp://h/live", "", ""));
        Assert.False(refused.Allowed);
        Assert.Contains("play from 10.6.6.6 denied", refused.Reason);
        Assert.Equal(allowed.StreamId, refused.StreamId);

        var snapshot = await stream.GetSnapshot();
        Assert.Equal(1, snapshot.Clients);
        await stream.PlayerLeft("play0001");
    }
}
