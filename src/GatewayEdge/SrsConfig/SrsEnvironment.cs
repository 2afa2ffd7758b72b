using System.Collections;

namespace OrleansLive.GatewayEdge.SrsConfig;

/// <summary>
/// SRS's environment overrides: each directive path is also a variable, "SRS_" and the path in capitals
/// with '_' for '.' (<c>http_api.listen</c> is <c>SRS_HTTP_API_LISTEN</c>); vhost directives drop the
/// vhost name and apply to every vhost (<c>SRS_VHOST_HLS_ENABLED</c>). A value with spaces gives
/// several arguments (<c>SRS_VHOST_HTTP_HOOKS_ON_PUBLISH="url1 url2"</c>). They override the file.
/// </summary>
public static class SrsEnvironment
{
    private const string Prefix = "SRS_";

    private static readonly Dictionary<string, string> PathsByName = SrsConfigMapper.Paths
        .ToDictionary(p => Prefix + p.ToUpperInvariant().Replace('.', '_'), p => p, StringComparer.Ordinal);

    /// <summary>The variable name of a directive path.</summary>
    public static string NameOf(string path) => Prefix + path.ToUpperInvariant().Replace('.', '_');

    /// <summary>The process environment's SRS_* variables.</summary>
    public static IReadOnlyDictionary<string, string> Current()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && name.StartsWith(Prefix, StringComparison.Ordinal) && entry.Value is string { Length: > 0 } value)
            {
                result[name] = value;
            }
        }
        return result;
    }

    /// <summary>Writes the variables into <paramref name="root"/> (replacing what the file says) and
    /// returns the SRS_* names that are no directive this server maps.</summary>
    public static List<string> Apply(SrsDirective root, IReadOnlyDictionary<string, string> variables)
    {
        var unknown = new List<string>();
        foreach (var (name, value) in variables.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            if (!PathsByName.TryGetValue(name, out var path))
            {
                if (name.StartsWith(Prefix, StringComparison.Ordinal))
                {
                    unknown.Add($"{name}={value} (environment)");
                }
                continue;
            }
            var args = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var segments = path.Split('.');
            if (segments[0] == "vhost")
            {
                var vhosts = root.Children.Where(c => c.Name == "vhost" && c.Args.Count == 1).ToList();
                if (!vhosts.Any(v => v.Arg0 == "__defaultVhost__"))
                {
                    var fallback = new SrsDirective("vhost", ["__defaultVhost__"], "environment", 0);
                    root.Children.Add(fallback);
                    vhosts.Add(fallback);
                }
                foreach (var vhost in vhosts)
                {
                    Set(vhost, segments[1..], args, name);
                }
            }
            else
            {
                Set(root, segments, args, name);
            }
        }
        return unknown;
    }

    private static void Set(SrsDirective block, string[] segments, string[] args, string name)
    {
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var child = block.Child(segments[i]);
            if (child is null)
            {
                child = new SrsDirective(segments[i], [], $"env {name}", 0);
                block.Children.Add(child);
            }
            block = child;
        }
        block.Children.RemoveAll(c => c.Name == segments[^1]);
        block.Children.Add(new SrsDirective(segments[^1], args, $"env {name}", 0));
    }
}
