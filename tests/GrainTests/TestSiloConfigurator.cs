using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansLive.Grains;
using OrleansLive.Interfaces;

namespace OrleansLive.GrainTests;

/// <summary>Memory storage under the grains' storage name, and the live grains with short timeouts.
/// The lease timeout comes through the "Streams" configuration section (see <see cref="ClusterFixture"/>),
/// the gateway liveness through services.Configure, so both ways of setting options are exercised.</summary>
public sealed class TestSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.AddMemoryGrainStorage(StorageNames.Default);
        siloBuilder.AddMemoryGrainStorage(StorageNames.Sessions);
        siloBuilder.AddMemoryGrainStorage(StorageNames.Streams);
        siloBuilder.AddMemoryGrainStorage(LiveEventStreams.PubSubStore);
        siloBuilder.AddMemoryStreams(LiveEventStreams.Provider);
        siloBuilder.AddLiveGrains();
        siloBuilder.Services.Configure<GatewayGrainOptions>(o =>
        {
            o.LivenessTimeout = TestTimeouts.GatewayLiveness;
            o.SessionCountersInterval = TestTimeouts.SessionCounters;
        });
    }
}

/// <summary>The test client reads the on_hls / on_dvr event streams too.</summary>
public sealed class TestClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder clientBuilder) =>
        clientBuilder.AddMemoryStreams(LiveEventStreams.Provider);
}
