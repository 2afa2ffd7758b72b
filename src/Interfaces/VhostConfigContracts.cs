namespace OrleansLive.Interfaces;

/// <summary>
/// The vhost configuration the whole cluster runs: the vhosts of the last good load of any silo's
/// configuration (startup, file edit, SIGHUP or the raw API's reload), the settings of vhosts not
/// configured, and the overrides stored through the API. A new configuration replaces the
/// overrides, as a reload of SRS's file replaces what its API changed. Version grows with each change.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record VhostConfigSet(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyDictionary<string, VhostSettings> Configured,
    [property: Id(2)] VhostSettings Unconfigured,
    [property: Id(3)] IReadOnlyDictionary<string, VhostSettings> Overrides,
    [property: Id(4)] string Origin,
    [property: Id(5)] string Trigger,
    [property: Id(6)] DateTime AtUtc)
{
    /// <summary>The settings a vhost runs with: its override, else its configured block, else the defaults.</summary>
    public VhostSettings Settings(string vhost) =>
        Overrides.TryGetValue(vhost, out var overridden) ? overridden
        : Configured.TryGetValue(vhost, out var configured) ? configured
        : Unconfigured;

    public bool IsOverridden(string vhost) => Overrides.ContainsKey(vhost);
}

/// <summary>Told of each new cluster vhost configuration: every silo's store and every gateway's cache.</summary>
public interface IVhostConfigObserver : IGrainObserver
{
    Task Changed(VhostConfigSet config);
}

/// <summary>
/// The cluster's one vhost configuration (key 0). Silos propose what they loaded; the latest proposal
/// that differs from the running one becomes the new version and is pushed to every subscriber
/// before the call returns (each subscriber gets a second), so a reload on any silo reaches every
/// gateway at once. Subscribers renew every few seconds and read the version on each renewal, so a
/// missed push is caught up with.
/// </summary>
public interface IVhostConfigGrain : IGrainWithIntegerKey
{
    Task<VhostConfigSet> Propose(IReadOnlyDictionary<string, VhostSettings> configured, VhostSettings unconfigured, string origin, string trigger);

    /// <summary>Stores (or with null removes) the API's override of one vhost's settings.</summary>
    Task<VhostConfigSet> SetOverride(string vhost, VhostSettings? settings);

    [Orleans.Concurrency.ReadOnly]
    Task<VhostConfigSet?> Get();

    /// <summary>Adds or renews a subscriber; returns the running configuration (null before any silo proposed one).</summary>
    Task<VhostConfigSet?> Subscribe(IVhostConfigObserver observer);

    Task Unsubscribe(IVhostConfigObserver observer);
}
