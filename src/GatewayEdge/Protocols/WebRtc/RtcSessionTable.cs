using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc;

/// <summary>
/// The WebRTC sessions of the gateway: by our ICE ufrag (what a STUN binding names) and by the peer's
/// current address (what DTLS and SRTP datagrams come from). Bounded; idle sessions are swept.
/// </summary>
public sealed class RtcSessionTable
{
    private readonly ConcurrentDictionary<string, RtcSession> _byUfrag = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<SocketAddress, RtcSession> _byAddress = new();
    private readonly int _capacity;

    public RtcSessionTable(int capacity) => _capacity = capacity;

    public int Count => _byUfrag.Count;

    public ICollection<RtcSession> All => _byUfrag.Values;

    /// <summary>Adds a new session; false when the gateway holds as many as it may.</summary>
    public bool TryAdd(RtcSession session) => _byUfrag.Count < _capacity && _byUfrag.TryAdd(session.LocalUfrag, session);

    public RtcSession? ByUfrag(string ufrag) => _byUfrag.GetValueOrDefault(ufrag);

    public RtcSession? ByAddress(SocketAddress address) => _byAddress.GetValueOrDefault(address);

    public RtcSession? ById(string sessionId) => _byUfrag.Values.FirstOrDefault(s => s.SessionId == sessionId);

    /// <summary>The peer of <paramref name="session"/> now speaks from <paramref name="address"/>;
    /// its old address no longer reaches it. UDP only: an ICE-TCP connection knows its session.</summary>
    public void Bind(RtcSession session, SocketAddress address, SocketAddress? previous)
    {
        _byAddress[address] = session;
        if (previous is not null && !previous.Equals(address))
        {
            _byAddress.TryRemove(new KeyValuePair<SocketAddress, RtcSession>(previous, session));
        }
    }

    public void Remove(RtcSession session)
    {
        _byUfrag.TryRemove(new KeyValuePair<string, RtcSession>(session.LocalUfrag, session));
        foreach (var address in session.Addresses)
        {
            _byAddress.TryRemove(new KeyValuePair<SocketAddress, RtcSession>(address, session));
        }
    }

    /// <summary>Ends every session that received nothing within <paramref name="idle"/>.</summary>
    public void Sweep(TimeSpan idle)
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var session in _byUfrag.Values)
        {
            if (Stopwatch.GetElapsedTime(session.LastReceived, now) > idle)
            {
                session.Close(session.Connected ? "peer went silent (consent expired)" : session.Path is null ? "ICE never completed" : "DTLS never completed");
            }
        }
    }
}
