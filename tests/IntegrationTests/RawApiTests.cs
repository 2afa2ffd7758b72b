using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.IntegrationTests.Support;

namespace OrleansLive.IntegrationTests;

/// <summary>SRS's raw API with its defaults: rpc=raw answers, the rest is disabled.</summary>
[Collection(ServerCollection.Name)]
public sealed class RawApiTests(ServerFixture server)
{
    [Fact]
    public async Task Raw_answers_and_everything_else_is_disabled_by_default()
    {
        var raw = await server.GetJsonAsync("api/v1/raw?rpc=raw");
        Assert.Equal(0, raw.GetProperty("code").GetInt32());
        var rawApi = raw.GetProperty("data").GetProperty("http_api").GetProperty("raw_api");
        Assert.False(rawApi.GetProperty("enabled").GetBoolean());
        Assert.False(rawApi.GetProperty("allow_reload").GetBoolean());

        using var reload = await server.Api.PostAsync("api/v1/raw?rpc=reload", null);
        Assert.Contains("\"code\":1061", await reload.Content.ReadAsStringAsync());
        Assert.Equal(1061, (await server.GetJsonAsync("api/v1/raw?rpc=reload-fetch")).GetProperty("code").GetInt32());
        // As SRS: with the raw API off, everything but rpc=raw is 1061, a missing or unknown rpc included.
        Assert.Equal(1061, (await server.GetJsonAsync("api/v1/raw?rpc=shutdown")).GetProperty("code").GetInt32());
        Assert.Equal(1061, (await server.GetJsonAsync("api/v1/raw")).GetProperty("code").GetInt32());

        // Without Api:Auth the API stays open, as before.
        Assert.Equal(0, (await server.GetJsonAsync("api/v1/versions")).GetProperty("code").GetInt32());
    }
}
