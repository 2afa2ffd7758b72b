using System.Security.Cryptography;
using System.Text;

namespace OrleansLive.GatewayEdge.Protocols.Rtsp;

/// <summary>
/// RTSP authentication of one connection against the configured accounts: Digest (RFC 2617 without
/// qop, as RTSP clients do it: MD5 of user:realm:password, the nonce this connection was given, and
/// method:uri) and, when allowed, Basic. The challenge carries a nonce made for the connection.
/// </summary>
internal sealed class RtspAuthenticator(RtspSettings settings)
{
    private readonly string _nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    public bool Required => settings.Users.Count > 0;

    /// <summary>The WWW-Authenticate values of a 401.</summary>
    public IEnumerable<string> Challenges()
    {
        yield return $"Digest realm=\"{settings.Realm}\", nonce=\"{_nonce}\", algorithm=MD5";
        if (settings.AllowBasic)
        {
            yield return $"Basic realm=\"{settings.Realm}\"";
        }
    }

    /// <summary>The authenticated user of a request's Authorization header; null when it is missing or wrong.</summary>
    public string? Authenticate(string method, string url, string? authorization)
    {
        if (string.IsNullOrEmpty(authorization))
        {
            return null;
        }
        var space = authorization.IndexOf(' ');
        var scheme = space < 0 ? authorization : authorization[..space];
        var rest = space < 0 ? "" : authorization[(space + 1)..].Trim();
        if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return settings.AllowBasic ? Basic(rest) : null;
        }
        return scheme.Equals("Digest", StringComparison.OrdinalIgnoreCase) ? Digest(method, url, rest) : null;
    }

    private string? Basic(string token)
    {
        var buffer = new byte[(token.Length * 3 / 4) + 3];
        if (token.Length > 1024 || !Convert.TryFromBase64String(token, buffer, out var written))
        {
            return null;
        }
        var pair = Encoding.UTF8.GetString(buffer, 0, written);
        var colon = pair.IndexOf(':');
        if (colon <= 0)
        {
            return null;
        }
        var user = pair[..colon];
        return settings.Users.TryGetValue(user, out var password) && FixedEquals(password, pair[(colon + 1)..]) ? user : null;
    }

    private string? Digest(string method, string url, string fields)
    {
        var values = Fields(fields);
        if (!values.TryGetValue("username", out var user) || !values.TryGetValue("nonce", out var nonce) || !values.TryGetValue("uri", out var uri)
            || !values.TryGetValue("response", out var response) || !values.TryGetValue("realm", out var realm)
            || nonce != _nonce || realm != settings.Realm || uri != url || !settings.Users.TryGetValue(user, out var password))
        {
            return null;
        }
        var ha1 = Md5($"{user}:{realm}:{password}");
        var ha2 = Md5($"{method}:{uri}");
        return FixedEquals(Md5($"{ha1}:{nonce}:{ha2}"), response.ToLowerInvariant()) ? user : null;
    }

    /// <summary>key="value", key=value pairs, comma separated (quoted values may hold commas).</summary>
    internal static Dictionary<string, string> Fields(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var at = 0;
        while (at < text.Length && fields.Count < 32)
        {
            var eq = text.IndexOf('=', at);
            if (eq < 0)
            {
                break;
            }
            var key = text[at..eq].Trim(' ', ',');
            string value;
            if (eq + 1 < text.Length && text[eq + 1] == '"')
            {
                var close = text.IndexOf('"', eq + 2);
                if (close < 0)
                {
                    break;
                }
                value = text[(eq + 2)..close];
                at = close + 1;
            }
            else
            {
                var comma = text.IndexOf(',', eq + 1);
                value = (comma < 0 ? text[(eq + 1)..] : text[(eq + 1)..comma]).Trim();
                at = comma < 0 ? text.Length : comma + 1;
            }
            fields.TryAdd(key, value);
        }
        return fields;
    }

    internal static string Md5(string text) => Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();

    private static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}
