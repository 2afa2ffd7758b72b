using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace OrleansLive.GatewayEdge;

/// <summary>The vhost names under "Vhosts" in the gateway's configuration, re-read whenever the
/// configuration reloads, so a vhost added to appsettings.json resolves without a restart.</summary>
internal sealed class ConfiguredVhostNames : IReadOnlySet<string>
{
    private HashSet<string> _names;

    public ConfiguredVhostNames(IConfiguration configuration)
    {
        _names = Read(configuration);
        ChangeToken.OnChange(configuration.GetReloadToken, () => _names = Read(configuration));
    }

    private IReadOnlySet<string> Names => Volatile.Read(ref _names);

    public int Count => Names.Count;

    public bool Contains(string item) => Names.Contains(item);

    public bool IsProperSubsetOf(IEnumerable<string> other) => Names.IsProperSubsetOf(other);

    public bool IsProperSupersetOf(IEnumerable<string> other) => Names.IsProperSupersetOf(other);

    public bool IsSubsetOf(IEnumerable<string> other) => Names.IsSubsetOf(other);

    public bool IsSupersetOf(IEnumerable<string> other) => Names.IsSupersetOf(other);

    public bool Overlaps(IEnumerable<string> other) => Names.Overlaps(other);

    public bool SetEquals(IEnumerable<string> other) => Names.SetEquals(other);

    public IEnumerator<string> GetEnumerator() => Names.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static HashSet<string> Read(IConfiguration configuration) =>
        configuration.GetSection("Vhosts").GetChildren().Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
}
