using Orleans.Dashboard;

namespace OrleansLive.Silo;

/// <summary>
/// The Orleans Dashboard gzips its 17 MB of embedded web assets when its endpoints are mapped, on the
/// start-up thread: about a third of a second of CPU before the silo and the listeners can start.
/// Building that asset cache on another thread from the first line of start-up, and handing the
/// result to the dashboard when it maps, takes it off the path to the first accepted connection.
/// </summary>
internal sealed class DashboardAssets
{
    // Internal to the dashboard, so found by name; without it the dashboard builds its own as before.
    private static readonly Type? ProviderType = typeof(DashboardOptions).Assembly.GetType("Orleans.Dashboard.EmbeddedAssetProvider");

    private readonly Task<object>? _building;

    private DashboardAssets(Task<object>? building) => _building = building;

    /// <summary>Starts building the asset cache on the thread pool.</summary>
    public static DashboardAssets Start() =>
        new(ProviderType?.GetConstructor(Type.EmptyTypes) is null ? null : Task.Run(() => Activator.CreateInstance(ProviderType)!));

    /// <summary>Hands the cache to the dashboard; call after AddDashboard, whose own registration this replaces.</summary>
    public void Register(IServiceCollection services)
    {
        if (_building is { } building)
        {
            services.AddSingleton(ProviderType!, _ => building.GetAwaiter().GetResult());
        }
    }
}
