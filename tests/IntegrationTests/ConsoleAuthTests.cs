using OrleansLive.IntegrationTests.Support;
using PuppeteerSharp;

namespace OrleansLive.IntegrationTests;

/// <summary>The console against an API with basic auth and a bearer token: the page asks for
/// credentials when the API answers 401 and sends them on every request after.</summary>
[Collection(HooksCollection.Name)]
public sealed class ConsoleAuthTests(HooksServerFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static async Task<string> StatusAsync(IPage page) =>
        await page.EvaluateExpressionAsync<string>("document.getElementById('status').textContent");

    [Fact]
    public async Task The_console_asks_for_credentials_and_then_shows_the_cluster()
    {
        await using var browser = await HeadlessChromium.LaunchAsync();
        var page = await browser.OpenAsync($"http://127.0.0.1:{server.ApiPort}/console/");
        await Wait.UntilAsync(async () => await page.QuerySelectorAsync("#login form") is not null, Deadline, "the login form");

        await page.TypeAsync("#login input[name=user]", HooksServerFixture.Username);
        await page.TypeAsync("#login input[name=password]", HooksServerFixture.Password);
        await page.ClickAsync("#login button[type=submit]");
        await Wait.UntilAsync(async () => (await StatusAsync(page)).StartsWith("live", StringComparison.Ordinal), Deadline, "the console polling with basic auth");
        Assert.Contains("Silos", await page.EvaluateExpressionAsync<string>("document.getElementById('view').textContent"), StringComparison.Ordinal);

        // Signing out forgets the credentials; a bearer token works as well.
        await page.ClickAsync("#signout");
        await Wait.UntilAsync(async () => await page.QuerySelectorAsync("#login form") is not null, Deadline, "the login form again");
        await page.TypeAsync("#login input[name=token]", HooksServerFixture.Token);
        await page.ClickAsync("#login button[type=submit]");
        await Wait.UntilAsync(async () => (await StatusAsync(page)).StartsWith("live", StringComparison.Ordinal), Deadline, "the console polling with the token");
        Assert.StartsWith("Bearer ", await page.EvaluateExpressionAsync<string>("sessionStorage.getItem('orleanslive.authorization')"), StringComparison.Ordinal);
    }
}
