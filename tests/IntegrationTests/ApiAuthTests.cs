using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OrleansLive.IntegrationTests.Support;

namespace OrleansLive.IntegrationTests;

/// <summary>HTTP API authentication: basic auth (SRS http_api.auth) and a bearer token.</summary>
[Collection(HooksCollection.Name)]
public sealed class ApiAuthTests(HooksServerFixture server)
{
    [Fact]
    public async Task Requests_without_valid_credentials_get_401_and_with_them_200()
    {
        using var http = new HttpClient { BaseAddress = server.Api.BaseAddress, Timeout = TimeSpan.FromSeconds(15) };

        using (var anonymous = await http.GetAsync("api/v1/summaries"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            var challenges = anonymous.Headers.WwwAuthenticate.Select(h => h.Scheme).ToList();
            Assert.Contains("Basic", challenges);
            Assert.Contains("Bearer", challenges);
            Assert.Equal("*", anonymous.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, "api/v1/streams", Basic(HooksServerFixture.Username, "wrong")));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, "api/v1/streams", Basic("nobody", HooksServerFixture.Password)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, "api/v1/streams", new AuthenticationHeaderValue("Bearer", "not-the-token")));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, "api/v1/raw?rpc=reload", null, HttpMethod.Post));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, "dashboard", null));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "api/v1/streams", Basic(HooksServerFixture.Username, HooksServerFixture.Password)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, "api/v1/clients", new AuthenticationHeaderValue("Bearer", HooksServerFixture.Token)));

        // CORS preflights carry no credentials and are still answered.
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "api/v1/streams");
        preflight.Headers.Add("Origin", "http://player.example.com");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        using var answer = await http.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("*", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path, AuthenticationHeaderValue? auth, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, path);
        request.Headers.Authorization = auth;
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
