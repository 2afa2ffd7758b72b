using OrleansLive.Grains.Config;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>
/// A vhost, as SRS's `vhost name { }` block: settings from configuration ("Vhosts:&lt;name&gt;",
/// validated and reloadable through <see cref="VhostConfigStore"/>) until some are stored, and a
/// stable SRS vhost id. Lists its name in the vhost directory.
/// </summary>
public sealed class VhostGrain(
    [PersistentState("vhost", StorageNames.Default)] IPersistentState<VhostState> state,
    VhostConfigStore configured) : Grain, IVhostGrain
{
    private string Name => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.VhostId is null)
        {
            state.State.VhostId = Ids.NewVid();
            await state.WriteStateAsync();
        }
        await GrainFactory.GetGrain<IVhostDirectoryGrain>(0).Add(Name);
    }

    public Task<VhostSettings> GetSettings() =>
        Task.FromResult(state.State.Settings ?? configured.Get(Name));

    public async Task SetSettings(VhostSettings settings)
    {
        state.State.Settings = settings;
        await state.WriteStateAsync();
    }

    public async Task<VhostSnapshot> GetSnapshot() =>
        new(state.State.VhostId!, Name, await GetSettings());
}
