using OrleansLive.Interfaces;

namespace OrleansLive.GrainTests;

public sealed class VhostGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task Settings_default_from_configuration_and_can_be_stored()
    {
        var vhost = _client.GetGrain<IVhostGrain>(ClusterFixture.ConfiguredVhost);

        var configured = await vhost.GetSettings();
        Assert.Equal(4096, configured.ChunkSize);
        Assert.False(configured.GopCache);
        Assert.True(configured.Enabled);

        await vhost.SetSettings(configured with { Enabled = false });
        var snapshot = await vhost.GetSnapshot();
        Assert.False(snapshot.Settings.Enabled);
        Assert.Equal(ClusterFixture.ConfiguredVhost, snapshot.Name);
        Assert.Matches("^vid-[0-9a-z]{7}$", snapshot.VhostId);
        Assert.Equal(snapshot.VhostId, (await vhost.GetSnapshot()).VhostId);
        Assert.Contains(ClusterFixture.ConfiguredVhost, await _client.GetGrain<IVhostDirectoryGrain>(0).List());
    }

    [Fact]
    public async Task Unconfigured_vhost_uses_the_built_in_defaults()
    {
        var settings = await _client.GetGrain<IVhostGrain>("plain.vhost").GetSettings();
        Assert.Equal(new VhostSettings(), settings);
    }
}
