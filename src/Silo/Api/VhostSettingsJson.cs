using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansLive.Grains.Config;
using OrleansLive.Interfaces;

namespace OrleansLive.Silo.Api;

/// <summary>Beyond SRS, for the console: a vhost's full settings (HLS, DVR, forward, hooks,
/// security rules) in snake_case, and the outcome of the last configuration reload.</summary>
internal static class VhostSettingsJson
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static JsonNode? Settings(VhostSettings settings) => JsonSerializer.SerializeToNode(settings, Options);

    public static JsonObject Config(VhostConfigSet config) => new()
    {
        ["version"] = config.Version,
        ["origin"] = config.Origin,
        ["trigger"] = config.Trigger,
        ["at_ms"] = SrsJson.UnixMs(config.AtUtc),
        ["overrides"] = new JsonArray(config.Overrides.Keys.Order(StringComparer.Ordinal).Select(k => (JsonNode)k).ToArray()),
    };

    public static JsonObject Reload(ReloadResult result) => new()
    {
        ["rid"] = result.Rid,
        ["ok"] = result.Ok,
        ["trigger"] = result.Trigger,
        ["message"] = result.Message,
        ["at_ms"] = SrsJson.UnixMs(result.AtUtc),
    };
}
