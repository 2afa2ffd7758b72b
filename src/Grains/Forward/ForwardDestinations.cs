using OrleansLive.Interfaces;

namespace OrleansLive.Grains.Forward;

/// <summary>Turns a configured forward destination into the RTMP URL the stream is pushed to, as SRS
/// does: rtmp://host:port/app/stream[?param], with the vhost added to the query when it is not the
/// default one and the param does not name one already.</summary>
public static class ForwardDestinations
{
    /// <summary>The destination URL, or null when <paramref name="destination"/> is neither
    /// "host[:port]" nor "rtmp://host[:port][/app]".</summary>
    public static string? ToUrl(string destination, string vhost, string app, string stream, string param)
    {
        var value = destination.Trim();
        var targetApp = app;
        string authority;
        const string scheme = "rtmp://";
        if (value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            var rest = value[scheme.Length..];
            var slash = rest.IndexOf('/');
            authority = slash < 0 ? rest : rest[..slash];
            var path = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
            if (path.Contains('?'))
            {
                return null;
            }
            if (path.Length > 0)
            {
                targetApp = path;
            }
        }
        else
        {
            authority = value;
        }
        if (authority.Length == 0 || authority.IndexOfAny(['/', '?', ' ', '@']) >= 0 || authority.Contains("://", StringComparison.Ordinal))
        {
            return null;
        }
        return $"rtmp://{authority}/{targetApp}/{stream}{Query(vhost, param)}";
    }

    /// <summary>"?param" with the vhost appended when needed; empty when there is nothing to pass.</summary>
    public static string Query(string vhost, string param)
    {
        var query = param.TrimStart('?', '&');
        if (vhost != StreamKey.DefaultVhost && !HasKey(query, "vhost") && !HasKey(query, "domain"))
        {
            query = query.Length == 0 ? "vhost=" + vhost : query + "&vhost=" + vhost;
        }
        return query.Length == 0 ? "" : "?" + query;
    }

    private static bool HasKey(string query, string name)
    {
        foreach (var pair in query.Split(['&', ',', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0 && pair.AsSpan(0, eq).Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }
}
