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

    public void Add(ClientSession client) => _clients[client.ClientId] = client;

    public void Remove(ClientSession client) => _clients.TryRemove(new KeyValuePair<string, ClientSession>(client.ClientId, client));

    public bool TryGet(string clientId, out IClientConnection connection)
    {
        connection = _clients.TryGetValue(clientId, out var client) ? client.Connection : null!;
        return connection is not null;
    }

    public IEnumerable<IClientConnection> All => _clients.Values.Select(c => c.Connection);

    /// <summary>The connections with a session record (what the cluster lists as clients).</summary>
    public IEnumerable<ClientSession> Recorded => _clients.Values.Where(c => c.Recorded);
}
