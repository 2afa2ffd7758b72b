using System.Text.Json.Nodes;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Grains.Config;
using OrleansLive.Interfaces;

namespace OrleansLive.Silo.Api;

/// <summary>
/// /api/v1/vhosts[/id]: GET only, not paged (as in SRS). Lists the vhosts in the vhost directory,
/// those configured under "Vhosts" and those of live streams, with counters summed over live streams.
/// </summary>
internal static class VhostsResource
{
    public static async Task<SrsReply> Handle(SrsRequest request)
    {
        var view = new LiveView(request.Grains);
        var streams = await view.StreamSnapshots(await view.ListStreams());
        var configured = request.Http.RequestServices.GetService<IConfiguration>()?
            .GetSection("Vhosts").GetChildren().Select(c => c.Key) ?? [];
        var names = (await request.Grains.GetGrain<IVhostDirectoryGrain>(0).List())
            .Concat(configured)
            .Concat(streams.Select(s => s.Vhost))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        var vhosts = await Task.WhenAll(names.Select(view.Vhost));

        VhostSnapshot? one = null;
        if (request.Id.Length > 0)
        {
            one = vhosts.FirstOrDefault(v => v.VhostId == request.Id);
            if (one is null)
            {
                return SrsReply.Error(SrsErrorCodes.VhostNotFound);
            }
        }
        if (!request.IsGet)
        {
            return SrsReply.MethodNotAllowed;
        }

        var byVhost = streams.ToLookup(s => s.Vhost, StringComparer.Ordinal);
        var body = request.Envelope();
        if (one is not null)
        {
            body["vhost"] = SrsJson.Vhost(one, byVhost[one.Name].ToList());
            return SrsReply.Ok(body);
        }
        body["vhosts"] = new JsonArray(vhosts.Select(v => (JsonNode)SrsJson.Vhost(v, byVhost[v.Name].ToList())).ToArray());
        if (request.Http.RequestServices.GetService<VhostConfigStore>() is { } store)
        {
            body["reload"] = VhostSettingsJson.Reload(store.LastReload); // beyond SRS
            if (store.Cluster is { } cluster)
            {
                body["config"] = VhostSettingsJson.Config(cluster); // beyond SRS: the cluster's running configuration
            }
        }
        return SrsReply.Ok(body);
    }
}
