using System.Collections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.GatewayEdge;

/// <summary>The vhost names the cluster's configuration holds (configured or overridden through the
/// API) and those under "Vhosts" in the gateway's own configuration, kept current as either changes, so
/// a vhost added on any silo resolves on every gateway without a restart.</summary>
internal sealed class ConfiguredVhostNames : IReadOnlySet<string>
{
    private readonly IConfiguration _configuration;
    private readonly VhostSettingsCache _cluster;
    private HashSet<string> _names;

    public ConfiguredVhostNames(IConfiguration configuration, VhostSettingsCache cluster)
    {
        (_configuration, _cluster) = (configuration, cluster);
        _names = Read();
        ChangeToken.OnChange(configuration.GetReloadToken, () => _names = Read());
        cluster.Adopted += () => _names = Read();
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

    private HashSet<string> Read() =>
        _configuration.GetSection("Vhosts").GetChildren().Select(c => c.Key).Concat(_cluster.Names).ToHashSet(StringComparer.Ordinal);
}
