using System.Text.Json.Nodes;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.Silo.Api;

/// <summary>/api/v1/clients[/id]: GET lists (paged with start/count) or shows one; DELETE kicks one.</summary>
internal static class ClientsResource
{
    public static async Task<SrsReply> Handle(SrsRequest request)
    {
        var view = new LiveView(request.Grains);
        var one = request.Id.Length > 0 ? await view.LiveClient(request.Id) : null;
        if (request.Id.Length > 0 && one is null)
        {
            return SrsReply.Error(SrsErrorCodes.ClientNotFound);
        }

        if (request.IsDelete)
        {
            if (one is null)
            {
                return SrsReply.Error(SrsErrorCodes.ClientNotFound);
            }
            // SRS expires the connection and answers at once; here the client's gateway closes it.
            var kicked = await request.Grains.GetGrain<IClientSessionGrain>(request.Id).Kick();
            return kicked ? SrsReply.Ok(request.Envelope()) : SrsReply.Error(SrsErrorCodes.BadRequest);
        }
        if (!request.IsGet)
        {
            return SrsReply.MethodNotAllowed;
        }

        var body = request.Envelope();
        if (one is not null)
        {
            body["client"] = SrsJson.Client(request.Id, one, await view.VhostId(one.Info.Vhost), request.NowUtc);
            return SrsReply.Ok(body);
        }

        var (start, count) = request.Page();
        var list = new JsonArray();
        foreach (var (id, client) in await view.LiveClients(start, count))
        {
            list.Add(SrsJson.Client(id, client, await view.VhostId(client.Info.Vhost), request.NowUtc));
        }
        body["clients"] = list;
        return SrsReply.Ok(body);
    }
}
