namespace OrleansLive.Media.Rtp;

/// <summary>Opus packets out of RTP (RFC 7587), counting packets lost to sequence gaps. Audio
/// needs no keyframe: after a gap the decoder conceals and carries on.</summary>
public sealed class OpusDepacketizer
{
    private int _lastSequence = -1;

    public long LostPackets { get; private set; }

    /// <summary>The Opus packet of one RTP packet; false when malformed, empty (DTX keeps no
    /// frame), duplicate or late.</summary>
    public bool TryDepacketize(ReadOnlySpan<byte> packet, out ReadOnlyMemory<byte> opusPacket, out uint timestamp)
    {
        opusPacket = default;
        timestamp = 0;
        if (!RtpHeader.TryParse(packet, out var header) || header.PayloadLength == 0)
        {
            return false;
        }

        var step = RtpSequence.Step(_lastSequence, header.SequenceNumber);
        if (step == 0)
        {
            return false;
        }

        LostPackets += step - 1;
        _lastSequence = header.SequenceNumber;
        opusPacket = header.Payload(packet).ToArray();
        timestamp = header.Timestamp;
        return true;
    }
}
