using System.Globalization;
using System.Text.Json.Nodes;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Grains.Config;

namespace OrleansLive.Silo.Api;

/// <summary>
/// /api/v1/raw?rpc=raw|reload|reload-fetch, SRS's raw API. "raw" always answers with the raw API's
/// settings; anything else needs "Api:RawApi:Enabled" (else 1061, a missing rpc included), and
/// "reload" also "Api:RawApi:AllowReload" (else 1061). A reload re-reads the configuration sources
/// and answers 0, or 1023 with the reason when the new vhost settings are invalid (the old ones
/// stay). With the raw API on, any other rpc is 1060.
/// </summary>
internal static class RawApiResource
{
    public const int RawBadRpc = 1060;
    public const int RawDisabled = 1061;

    public static async Task<SrsReply> Handle(SrsRequest request)
    {
        var rpc = request.Query("rpc");
        var section = request.Http.RequestServices.GetService<IConfiguration>()?.GetSection("Api");
        var enabled = section?.GetValue("RawApi:Enabled", false) ?? false;
        var allowReload = section?.GetValue("RawApi:AllowReload", false) ?? false;
        if (rpc == "raw")
        {
            var raw = request.Envelope();
            raw["data"] = new JsonObject
            {
                ["http_api"] = new JsonObject
                {
                    ["enabled"] = true,
                    ["listen"] = (section?["Port"] ?? "1985").ToString(CultureInfo.InvariantCulture),
                    ["crossdomain"] = true,
                    ["raw_api"] = new JsonObject
                    {
                        ["enabled"] = enabled,
                        ["allow_reload"] = allowReload,
                        ["allow_query"] = false,
                        ["allow_update"] = false,
                    },
                },
            };
            return SrsReply.Ok(raw);
        }
        // As SRS: with the raw API off every other request is 1061, whatever its rpc; on, an unknown rpc is 1060.
        var store = request.Http.RequestServices.GetService<VhostConfigStore>();
        if (!enabled || store is null)
        {
            return SrsReply.Error(RawDisabled);
        }
        if (rpc is not ("reload" or "reload-fetch"))
        {
            return SrsReply.Error(RawBadRpc);
        }
        if (rpc == "reload" && !allowReload)
        {
            return SrsReply.Error(RawDisabled);
        }
        if (rpc == "reload")
        {
            var result = await store.ReloadSourcesAsync("raw api");
            if (result.Ok)
            {
                return SrsReply.Ok(request.Envelope());
            }
            var failed = request.Envelope();
            failed["code"] = result.ErrorCode;
            failed["data"] = Fetch(result);
            return SrsReply.Ok(failed);
        }
        var body = request.Envelope();
        body["data"] = Fetch(store.LastReload);
        return SrsReply.Ok(body);
    }

    private static JsonObject Fetch(ReloadResult result) => new()
    {
        ["err"] = result.ErrorCode,
        ["msg"] = result.Message,
        ["state"] = result.State,
        ["rid"] = result.Rid.ToString(CultureInfo.InvariantCulture),
    };
}
