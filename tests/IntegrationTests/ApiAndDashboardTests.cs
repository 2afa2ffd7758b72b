using OrleansLive.IntegrationTests.Support;

namespace OrleansLive.IntegrationTests;

[Collection(ServerCollection.Name)]
public sealed class ApiAndDashboardTests(ServerFixture server)
{
    [Fact]
    public async Task Api_answers_in_the_srs_envelope()
    {
        var versions = await server.GetJsonAsync("api/v1/versions");
        Assert.Equal(0, versions.GetProperty("code").GetInt32());
        Assert.True(versions.TryGetProperty("server", out _));
        Assert.Equal(6, versions.GetProperty("data").GetProperty("major").GetInt32());

        var summaries = await server.GetJsonAsync("api/v1/summaries");
        Assert.True(summaries.GetProperty("data").GetProperty("ok").GetBoolean());

        var vhosts = await server.GetJsonAsync("api/v1/vhosts");
        Assert.Equal(0, vhosts.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Dashboard_is_served_by_the_all_in_one_process()
    {
        using var response = await server.Api.GetAsync("dashboard");
        Assert.True(response.IsSuccessStatusCode, $"dashboard answered {(int)response.StatusCode}");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
    }
}
