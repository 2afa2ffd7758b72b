using System.Net;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc;

/// <summary>
/// The way back to a WebRTC peer: its address on the shared UDP socket, or its ICE-TCP connection.
/// A session's path changes when the peer's address does (a client moving networks).
/// </summary>
public interface IRtcPeerPath
{
    IPEndPoint RemoteEndPoint { get; }

    /// <summary>"udp" or "tcp", as a candidate names it.</summary>
    string Protocol { get; }

    /// <summary>Sends one datagram (one RFC 4571 frame on TCP); false when it could not go.</summary>
    bool Send(ReadOnlySpan<byte> datagram);
}
