using Orleans.Dashboard;

namespace OrleansLive.Silo;

/// <summary>
/// The Orleans Dashboard gzips its 17 MB of embedded web assets when its endpoints are mapped: about
/// a third of a second of CPU, which on the start-up thread came before the silo and every listener.
/// The asset cache is built on another thread from the first line of start-up instead, and the
/// dashboard is mapped by a hosted service that starts after the silo and the gateway's listeners
/// and before the API's web host (which reads its endpoints only when it starts), so on two cores the
/// compression runs beside the silo's start and never in front of the first RTMP connection.
/// </summary>
internal sealed class DashboardAssets : IHostedService
{
    public const string RoutePrefix = "/dashboard";

    // Internal to the dashboard, so found by name; without it the dashboard builds its own on mapping.
    private static readonly Type? ProviderType = typeof(DashboardOptions).Assembly.GetType("Orleans.Dashboard.EmbeddedAssetProvider");

    private readonly Task<object>? _building;
    private IEndpointRouteBuilder? _routes;

    private DashboardAssets(Task<object>? building) => _building = building;

    /// <summary>Starts building the asset cache on the thread pool.</summary>
    public static DashboardAssets Start() =>
        new(ProviderType?.GetConstructor(Type.EmptyTypes) is null ? null : Task.Run(() => Activator.CreateInstance(ProviderType)!));

    /// <summary>Hands the cache to the dashboard and maps it when the host starts. Call after
    /// AddDashboard (whose own registration of the cache this replaces) and after every hosted service
    /// that should start first.</summary>
    public void Register(IServiceCollection services)
    {
        if (_building is { } building)
        {
            services.AddSingleton(ProviderType!, _ => building.GetAwaiter().GetResult());
        }
        services.AddHostedService(_ => this);
    }

    /// <summary>The routes the dashboard goes into once its assets are ready.</summary>
    public void MapInto(IEndpointRouteBuilder routes) => _routes = routes;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_building is not null)
        {
            await _building.WaitAsync(cancellationToken);
        }
        _routes?.MapOrleansDashboard(routePrefix: RoutePrefix);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
