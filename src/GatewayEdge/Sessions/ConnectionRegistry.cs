using System.Collections.Concurrent;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Sessions;

/// <summary>A live client connection of any protocol, as the gateway tracks it.</summary>
public interface IClientConnection
{
    string ClientId { get; }

    long SentBytes { get; }

    long RecvBytes { get; }

    /// <summary>Closes the connection (API kick or shutdown).</summary>
    void Kick();

    /// <summary>Packet counters of an RTP client (WebRTC) for its record; null for byte-stream protocols.</summary>
    RtpClientStats? RtpStats => null;
}

/// <summary>Live connections of this gateway by client id, for kicks and counters.</summary>
public sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<string, ClientSession> _clients = new();

    public int Count => _clients.Count;

    /// <summary>Raised when a connection gets its session record or a recorded one leaves: the traffic
    /// reporter then reports soon rather than at its next tick, so the API lists or unlists it at once.</summary>
    public event Action? ClientsChanged;

    public void Add(ClientSession client)
    {
        client.RecordedChanged = () => ClientsChanged?.Invoke();
        _clients[client.ClientId] = client;
        if (client.Recorded)
        {
            ClientsChanged?.Invoke();
        }
    }

    public void Remove(ClientSession client)
    {
        if (_clients.TryRemove(new KeyValuePair<string, ClientSession>(client.ClientId, client)) && client.Recorded)
        {
            ClientsChanged?.Invoke();
        }
    }

    public bool TryGet(string clientId, out IClientConnection connection)
    {
        connection = _clients.TryGetValue(clientId, out var client) ? client.Connection : null!;
        return connection is not null;
    }

    public IEnumerable<IClientConnection> All => _clients.Values.Select(c => c.Connection);

    /// <summary>The connections with a session record (what the cluster lists as clients).</summary>
    public IEnumerable<ClientSession> Recorded => _clients.Values.Where(c => c.Recorded);
}
