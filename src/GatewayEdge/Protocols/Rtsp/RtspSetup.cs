using System.Security.Cryptography;
using OrleansLive.Media.Rtsp;

namespace OrleansLive.GatewayEdge.Protocols.Rtsp;

/// <summary>
/// One track a SETUP set up: the transport agreed (interleaved channels, or UDP ports and the server's
/// pair), and for a player its own SSRC, sequence numbers and sender-report counters.
/// </summary>
internal sealed class RtspSetup(int index, RtspTrack track, RtspTransport transport, RtspUdpPair? udp)
{
    public int Index { get; } = index;

    public RtspTrack Track { get; } = track;

    public RtspTransport Transport { get; } = transport;

    public RtspUdpPair? Udp { get; } = udp;

    public uint Ssrc { get; } = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4));

    /// <summary>The sequence number of the first packet, as PLAY's RTP-Info says.</summary>
    public ushort FirstSequence { get; } = (ushort)Random.Shared.Next(ushort.MaxValue);

    public ushort NextSequence { get; set; }

    public long Packets { get; set; }

    public long Octets { get; set; }

    /// <summary>Stream time (ms) of the last sender report; -1 before the first.</summary>
    public long LastReportMs { get; set; } = -1;

    public byte PayloadType => (byte)Track.PayloadType;
}
