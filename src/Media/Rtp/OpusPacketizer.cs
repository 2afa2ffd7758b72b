namespace OrleansLive.Media.Rtp;

/// <summary>Opus over RTP (RFC 7587): one Opus packet is one RTP payload, timestamps at 48 kHz
/// whatever the coded rate. A type of its own so audio is handled like video.</summary>
public static class OpusPacketizer
{
    public const int ClockRate = 48000;

    /// <summary>The payload for one Opus packet (a copy: payloads outlive the sample).</summary>
    public static byte[] Packetize(ReadOnlySpan<byte> opusPacket) => opusPacket.ToArray();
}
