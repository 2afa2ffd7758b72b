using System.Globalization;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace OrleansLive.GrainTests;

/// <summary>One in-process test cluster shared by the tests of a class.</summary>
public class ClusterFixture : IAsyncLifetime
{
    public const string ConfiguredVhost = "configured.vhost";

    /// <summary>A vhost with security rules: no publishing from 10.0.0.1, no playing from 10.6.0.0/16.</summary>
    public const string SecureVhost = "secure.vhost";
    /// <summary>A vhost that records live/cam and live/other by its dvr settings.</summary>
    public const string DvrVhost = "dvr.vhost";

    public TestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    /// <summary>How many silos the cluster has.</summary>
    protected virtual short SiloCount => 1;

    public virtual async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(SiloCount);
        builder.ConfigureHostConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Streams:LeaseTimeout"] = TestTimeouts.Lease.ToString("c", CultureInfo.InvariantCulture),
            [$"Vhosts:{ConfiguredVhost}:ChunkSize"] = "4096",
            [$"Vhosts:{ConfiguredVhost}:GopCache"] = "false",
            [$"Vhosts:{SecureVhost}:Security:Enabled"] = "true",
            [$"Vhosts:{SecureVhost}:Security:Rules:0"] = "deny publish 10.0.0.1",
            [$"Vhosts:{SecureVhost}:Security:Rules:1"] = "deny play 10.6.0.0/16",
            [$"Vhosts:{DvrVhost}:Dvr:Enabled"] = "true",
            [$"Vhosts:{DvrVhost}:Dvr:Apply"] = "live/cam, live/other",
            [$"Vhosts:{DvrVhost}:Dvr:Plan"] = "segment",
            [$"Vhosts:{DvrVhost}:Dvr:Duration"] = "10",
            [$"Vhosts:{DvrVhost}:Dvr:Path"] = "/dvr/[app]/[stream].mp4",
        }));
        builder.AddSiloBuilderConfigurator<TestSiloConfigurator>();
        builder.AddClientBuilderConfigurator<TestClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
