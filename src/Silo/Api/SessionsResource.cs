using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.Silo.Api;

/// <summary>/api/v1/sessions/{id}: the stored record of a connection, live or ended, for billing and
/// audit. SRS has no such resource; its client objects vanish when the client leaves.</summary>
internal static class SessionsResource
{
    public static async Task<SrsReply> Handle(SrsRequest request)
    {
        if (!request.IsGet)
        {
            return SrsReply.MethodNotAllowed;
        }
        var snapshot = await request.Grains.GetGrain<IClientSessionGrain>(request.Id).GetSnapshot();
        if (snapshot is null)
        {
            return SrsReply.Error(SrsErrorCodes.ClientNotFound);
        }
        var view = new LiveView(request.Grains);
        snapshot = await view.WithLiveCounters(request.Id, snapshot);
        var body = request.Envelope();
        body["session"] = SrsJson.Session(request.Id, snapshot, await view.VhostId(snapshot.Info.Vhost), request.NowUtc);
        return SrsReply.Ok(body);
    }
}
