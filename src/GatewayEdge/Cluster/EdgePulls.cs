using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.GatewayEdge.Cluster;

/// <summary>The edge pulls running on this gateway, shared by the players that want one (poke) and a
/// local publish that must take the stream over (stop).</summary>
public sealed class EdgePulls
{
    private readonly object _gate = new();
    private readonly Dictionary<string, EdgePull> _pulls = new();

    internal AsyncSignal Wakeup { get; } = new();

    /// <summary>A player arrived at a hub without a publisher: look for the stream now.</summary>
    public void Poke() => Wakeup.Set();

    /// <summary>Stops the pull feeding this stream, if any, and waits until it has left the hub.</summary>
    public Task StopAsync(string streamKey)
    {
        lock (_gate)
        {
            if (!_pulls.TryGetValue(streamKey, out var pull))
            {
                return Task.CompletedTask;
            }
            pull.Stop();
            return pull.Completion;
        }
    }

    internal bool Contains(string key)
    {
        lock (_gate)
        {
            return _pulls.ContainsKey(key);
        }
    }

    internal void Add(EdgePull pull)
    {
        lock (_gate)
        {
            _pulls[pull.Hub.Key] = pull;
        }
    }

    internal EdgePull[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _pulls.Values];
        }
    }

    internal void Remove(EdgePull pull)
    {
        lock (_gate)
        {
            _pulls.Remove(pull.Hub.Key);
        }
    }
}
