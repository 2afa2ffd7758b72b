using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.Silo.Api;

/// <summary>
/// SRS's HTTP API (v1) over the grains. The host must also register an <see cref="IGrainFactory"/>
/// (a silo or a cluster client does).
/// </summary>
public static class SrsApiExtensions
{
    /// <summary>Registers what the API needs besides the grain factory: the server identity
    /// (config "Api:ServerId" or env SRS_SERVER_ID) and the CPU sampler.</summary>
    public static IServiceCollection AddSrsApi(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new SrsServerIdentity(sp.GetService<IConfiguration>()));
        services.TryAddSingleton<CpuSampler>();
        return services;
    }

    /// <summary>Maps /api/, /api/v1/ and its resources. Every route accepts any verb, so that OPTIONS,
    /// CORS and the 405 for a wrong verb are answered the SRS way.</summary>
    public static IEndpointRouteBuilder MapSrsApi(this IEndpointRouteBuilder endpoints)
    {
        Map(endpoints, "/api", InfoResources.Api);
        Map(endpoints, "/api/v1", InfoResources.V1);
        Map(endpoints, "/api/v1/versions", InfoResources.Versions);
        Map(endpoints, "/api/v1/authors", InfoResources.Authors);
        Map(endpoints, "/api/v1/features", InfoResources.Features);
        Map(endpoints, "/api/v1/summaries", SystemResources.Summaries);
        Map(endpoints, "/api/v1/rusages", SystemResources.Rusages);
        Map(endpoints, "/api/v1/meminfos", SystemResources.MemInfos);
        Map(endpoints, "/api/v1/self_proc_stats", ProcStatsResources.Self);
        Map(endpoints, "/api/v1/system_proc_stats", ProcStatsResources.System);
        Map(endpoints, "/api/v1/clusters", ClustersResource.Handle);
        Map(endpoints, "/api/v1/vhosts/{id?}", VhostsResource.Handle);
        Map(endpoints, "/api/v1/streams/{id?}", StreamsResource.Handle);
        Map(endpoints, "/api/v1/clients/{id?}", ClientsResource.Handle);
        Map(endpoints, "/api/v1/sessions/{id}", SessionsResource.Handle);
        Map(endpoints, "/api/v1/raw", RawApiResource.Handle);
        Map(endpoints, "/api/v1/dvrs/{id?}", DvrsResource.Handle);
        Map(endpoints, "/api/v1/ingests", ProcessesResource.Ingests);
        Map(endpoints, "/api/v1/execs", ProcessesResource.Execs);
        Map(endpoints, "/api/v1/transcodes", ProcessesResource.Transcodes);
        return endpoints;
    }

    private static void Map(IEndpointRouteBuilder endpoints, string pattern, Func<SrsRequest, Task<SrsReply>> handler) =>
        endpoints.Map(pattern, http => SrsApiPipeline.Run(http, handler)).WithDisplayName("SRS API " + pattern);
}
