using OrleansLive.Grains.Hooks;

namespace OrleansLive.GrainTests.Hooks;

/// <summary>SRS's allow/deny rule for a hook's HTTP answer.</summary>
public sealed class HookResponseTests
{
    [Theory]
    [InlineData(200, "0")]
    [InlineData(201, "0")]
    [InlineData(200, "0\n")]
    [InlineData(200, "{\"code\":0}")]
    [InlineData(200, "{\"code\": 0, \"data\": {\"urls\": []}}")]
    [InlineData(201, " {\"msg\":\"ok\",\"code\":0} ")]
    public void Allows_200_or_201_with_0_or_an_object_with_integer_code_0(int status, string body)
    {
        Assert.True(HookResponse.IsAllow(status, body, out var reason), reason);
    }

    [Theory]
    [InlineData(200, "", "empty body")]
    [InlineData(200, "   ", "empty body")]
    [InlineData(202, "0", "HTTP status 202")]
    [InlineData(204, "", "HTTP status 204")]
    [InlineData(302, "0", "HTTP status 302")]
    [InlineData(403, "0", "HTTP status 403")]
    [InlineData(500, "{\"code\":0}", "HTTP status 500")]
    [InlineData(200, "1", "neither 0 nor an object")]
    [InlineData(200, "0.0", "neither 0 nor an object")]
    [InlineData(200, "\"0\"", "neither 0 nor an object")]
    [InlineData(200, "[0]", "neither 0 nor an object")]
    [InlineData(200, "true", "neither 0 nor an object")]
    [InlineData(200, "{\"code\":1}", "code 1")]
    [InlineData(200, "{\"code\":-1}", "code -1")]
    [InlineData(200, "{\"code\":\"0\"}", "no integer code")]
    [InlineData(200, "{\"code\":0.0}", "no integer code")]
    [InlineData(200, "{\"code\":0e0}", "no integer code")]
    [InlineData(200, "{\"Code\":0}", "no integer code")]
    [InlineData(200, "{}", "no integer code")]
    [InlineData(200, "ok", "not JSON")]
    [InlineData(200, "{\"code\":0", "not JSON")]
    public void Refuses_anything_else_and_says_why(int status, string body, string why)
    {
        Assert.False(HookResponse.IsAllow(status, body, out var reason));
        Assert.Contains(why, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_body_is_refused()
    {
        Assert.False(HookResponse.IsAllow(200, null, out var reason));
        Assert.Equal("empty body", reason);
    }
}
