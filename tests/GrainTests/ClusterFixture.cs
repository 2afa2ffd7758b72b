using System.Globalization;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace OrleansLive.GrainTests;

/// <summary>One in-process test cluster shared by the tests of a class.</summary>
public class ClusterFixture : IAsyncLifetime
{
    public const string ConfiguredVhost = "configured.vhost";

    public TestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public virtual async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.ConfigureHostConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Streams:LeaseTimeout"] = TestTimeouts.Lease.ToString("c", CultureInfo.InvariantCulture),
            [$"Vhosts:{ConfiguredVhost}:ChunkSize"] = "4096",
            [$"Vhosts:{ConfiguredVhost}:GopCache"] = "false",
        }));
        builder.AddSiloBuilderConfigurator<TestSiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public virtual async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
