namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

/// <summary>Sends one datagram to the peer's current address (the gateway's shared UDP socket).</summary>
public delegate void DatagramSend(ReadOnlySpan<byte> datagram);
