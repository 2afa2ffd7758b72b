using System.Text.Json.Nodes;
using OrleansLive.Interfaces;

namespace OrleansLive.Silo.Api;

/// <summary>
/// /api/v1/clusters?vhost=&amp;ip=&amp;app=&amp;stream=, SRS's origin-cluster lookup: "origin" names the
/// gateway that holds the stream's publisher (its host and RTMP port), with this API as "api" and the
/// only router; null when nobody publishes the stream. An empty vhost is the default vhost, as in SRS.
/// </summary>
internal static class ClustersResource
{
    public static async Task<SrsReply> Handle(SrsRequest request)
    {
        var (ip, vhost, app, stream) = (request.Query("ip"), request.Query("vhost"), request.Query("app"), request.Query("stream"));
        var data = new JsonObject
        {
            ["query"] = new JsonObject { ["ip"] = ip, ["vhost"] = vhost, ["app"] = app, ["stream"] = stream },
            ["origin"] = await Origin(request, vhost.Length > 0 ? vhost : StreamKey.DefaultVhost, app, stream),
        };
        var body = new JsonObject { ["code"] = 0, ["data"] = data };
        return SrsReply.Ok(body);
    }

    private static async Task<JsonObject?> Origin(SrsRequest request, string vhost, string app, string stream)
    {
        if (app.Length == 0 || stream.Length == 0)
        {
            return null;
        }
        var snapshot = await request.Grains.GetGrain<IStreamGrain>(StreamKey.Of(vhost, app, stream)).GetSnapshot();
        if (!snapshot.Active || snapshot.PublisherGatewayId is not { } gatewayId
            || await request.Grains.GetGrain<IGatewayGrain>(gatewayId).GetInfo() is not { } gateway)
        {
            return null;
        }
        var api = request.Http.Request.Host.HasValue ? request.Http.Request.Host.Value : $"{gateway.Host}:{request.Http.Connection.LocalPort}";
        return new JsonObject
        {
            ["ip"] = gateway.Host,
            ["port"] = gateway.RtmpPort,
            ["vhost"] = snapshot.Vhost,
            ["api"] = api,
            ["routers"] = new JsonArray(api),
        };
    }
}
