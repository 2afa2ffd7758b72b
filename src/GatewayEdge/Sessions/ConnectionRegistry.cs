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
    private readonly ConcurrentDictionary<string, IClientConnection> _connections = new();

    public int Count => _connections.Count;

    public void Add(IClientConnection connection) => _connections[connection.ClientId] = connection;

    public void Remove(IClientConnection connection) => _connections.TryRemove(new KeyValuePair<string, IClientConnection>(connection.ClientId, connection));

    public bool TryGet(string clientId, out IClientConnection connection) => _connections.TryGetValue(clientId, out connection!);

    public ICollection<IClientConnection> All => _connections.Values;
}
