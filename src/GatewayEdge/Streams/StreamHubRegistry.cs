using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>The hubs of this gateway, one per stream key, alive while a publisher or player uses them.</summary>
public sealed class StreamHubRegistry
{
    private readonly Dictionary<string, StreamHub> _hubs = new();
    private readonly object _gate = new();
    private readonly AudioBridges? _bridges;

    public StreamHubRegistry(AudioBridges? bridges = null) => _bridges = bridges;

    /// <summary>Gets or creates the hub and counts one user; pair with <see cref="Return"/>.</summary>
    public StreamHub Rent(string vhost, string app, string stream, StreamHubOptions options)
    {
        var key = Interfaces.StreamKey.Of(vhost, app, stream);
        lock (_gate)
        {
            if (!_hubs.TryGetValue(key, out var hub))
            {
                hub = new StreamHub(vhost, app, stream, options, _bridges);
                _hubs.Add(key, hub);
            }
            hub.Users++;
            return hub;
        }
    }

    /// <summary>The hub of a stream if this gateway has one now, without counting a user.</summary>
    public StreamHub? Find(string key)
    {
        lock (_gate)
        {
            return _hubs.GetValueOrDefault(key);
        }
    }

    public void Return(StreamHub hub)
    {
        lock (_gate)
        {
            if (--hub.Users == 0)
            {
                _hubs.Remove(hub.Key);
            }
        }
    }

    public StreamHub[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _hubs.Values];
        }
    }
}
