using Microsoft.Extensions.Logging;
using OrleansLive.Grains.Config;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>
/// A vhost, as SRS's `vhost name { }` block: its settings in the cluster's one configuration (see
/// <see cref="IVhostConfigGrain"/>, adopted by every silo's <see cref="VhostConfigStore"/>), an override
/// stored through the API until the next configuration replaces it, and a stable SRS vhost id. Lists
/// its name in the vhost directory.
/// </summary>
public sealed class VhostGrain(
    [PersistentState("vhost", StorageNames.Default)] IPersistentState<VhostState> state,
    VhostConfigStore configured,
    ILogger<VhostGrain> logger) : Grain, IVhostGrain
{
    private string Name => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.VhostId is null)
        {
            state.State.VhostId = Ids.NewVid();
            await state.WriteStateAsync();
        }
        if (state.State.Settings is { } legacy)
        {
            // Settings stored by the vhost itself predate the cluster configuration: they become its visible override.
            logger.LogInformation("Vhost {Vhost}: stored settings moved to the cluster configuration as an override", Name);
            await SetSettings(legacy);
            state.State.Settings = null;
            await state.WriteStateAsync();
        }
        await GrainFactory.GetGrain<IVhostDirectoryGrain>(0).Add(Name);
    }

    public Task<VhostSettings> GetSettings() => Task.FromResult(configured.Get(Name));

    public async Task SetSettings(VhostSettings settings) =>
        configured.Adopt(await GrainFactory.GetGrain<IVhostConfigGrain>(0).SetOverride(Name, settings));

    public Task<VhostSnapshot> GetSnapshot() =>
        Task.FromResult(new VhostSnapshot(state.State.VhostId!, Name, configured.Get(Name))
        {
            Overridden = configured.Cluster?.IsOverridden(Name) ?? false,
            ConfigVersion = configured.Cluster?.Version ?? 0,
        });
}
