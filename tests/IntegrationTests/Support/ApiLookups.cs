using System.Text.Json;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>Finds a stream or a stream's clients in the HTTP API's lists, for every fixture.</summary>
public static class ApiLookups
{
    /// <summary>The stream object for /app/stream, or null if it is not listed.</summary>
    public static async Task<JsonElement?> FindStreamAsync(Func<string, Task<JsonElement>> getJson, string app, string stream)
    {
        var root = await getJson("api/v1/streams?count=1000");
        foreach (var s in root.GetProperty("streams").EnumerateArray())
        {
            if (s.GetProperty("app").GetString() == app && s.GetProperty("name").GetString() == stream)
            {
                return s;
            }
        }
        return null;
    }

    /// <summary>The client objects whose stream name is <paramref name="stream"/>.</summary>
    public static async Task<List<JsonElement>> FindClientsAsync(Func<string, Task<JsonElement>> getJson, string stream)
    {
        var root = await getJson("api/v1/clients?count=1000");
        return [.. root.GetProperty("clients").EnumerateArray().Where(c => c.GetProperty("name").GetString() == stream)];
    }
}
