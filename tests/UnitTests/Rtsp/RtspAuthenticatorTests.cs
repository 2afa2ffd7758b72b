using System.Text;
using System.Text.RegularExpressions;
using OrleansLive.GatewayEdge.Protocols.Rtsp;

namespace OrleansLive.UnitTests.Rtsp;

/// <summary>RTSP Digest (RFC 2617, no qop, as ffmpeg and LIVE555 send it) and Basic against the configured accounts.</summary>
public partial class RtspAuthenticatorTests
{
    private const string Url = "rtsp://127.0.0.1:8554/live/s";

    private static RtspSettings Settings(bool basic = false) => new() { Users = new() { ["alice"] = "secret" }, AllowBasic = basic, Realm = "OrleansLive" };

    private static string Nonce(RtspAuthenticator auth) => NonceField().Match(auth.Challenges().First()).Groups[1].Value;

    private static string Digest(string user, string password, string nonce, string method = "DESCRIBE", string uri = Url)
    {
        var response = RtspAuthenticator.Md5($"{RtspAuthenticator.Md5($"{user}:OrleansLive:{password}")}:{nonce}:{RtspAuthenticator.Md5($"{method}:{uri}")}");
        return $"Digest username=\"{user}\", realm=\"OrleansLive\", nonce=\"{nonce}\", uri=\"{uri}\", response=\"{response}\"";
    }

    [Fact]
    public void Digest_with_the_right_password_names_the_user()
    {
        var auth = new RtspAuthenticator(Settings());
        Assert.True(auth.Required);
        Assert.Equal("alice", auth.Authenticate("DESCRIBE", Url, Digest("alice", "secret", Nonce(auth))));
    }

    [Fact]
    public void Digest_refuses_wrong_passwords_users_nonces_methods_and_uris()
    {
        var auth = new RtspAuthenticator(Settings());
        var nonce = Nonce(auth);
        Assert.Null(auth.Authenticate("DESCRIBE", Url, Digest("alice", "wrong", nonce)));
        Assert.Null(auth.Authenticate("DESCRIBE", Url, Digest("bob", "secret", nonce)));
        Assert.Null(auth.Authenticate("DESCRIBE", Url, Digest("alice", "secret", "0123456789abcdef")));
        Assert.Null(auth.Authenticate("DESCRIBE", Url, Digest("alice", "secret", nonce, method: "ANNOUNCE")));
        Assert.Null(auth.Authenticate("DESCRIBE", Url, Digest("alice", "secret", nonce, uri: "rtsp://127.0.0.1:8554/live/other")));
        Assert.Null(auth.Authenticate("DESCRIBE", Url, null));
        Assert.Null(auth.Authenticate("DESCRIBE", Url, "Digest"));
        Assert.Null(auth.Authenticate("DESCRIBE", Url, "Digest username=\"alice"));
    }

    [Fact]
    public void Basic_only_when_allowed()
    {
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:secret"));
        Assert.Null(new RtspAuthenticator(Settings()).Authenticate("DESCRIBE", Url, basic));
        var allowed = new RtspAuthenticator(Settings(basic: true));
        Assert.Equal("alice", allowed.Authenticate("DESCRIBE", Url, basic));
        Assert.Null(allowed.Authenticate("DESCRIBE", Url, "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:nope"))));
        Assert.Null(allowed.Authenticate("DESCRIBE", Url, "Basic !!!"));
        Assert.Equal(2, allowed.Challenges().Count());
    }

    [Fact]
    public void No_accounts_no_authentication() => Assert.False(new RtspAuthenticator(new RtspSettings()).Required);

    [GeneratedRegex("nonce=\"([0-9a-f]+)\"")]
    private static partial Regex NonceField();
}
