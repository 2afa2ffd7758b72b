namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

/// <summary>
/// Per-SSRC cryptographic state. Inbound: the replay windows, whose highest index also carries the
/// ROC and s_l of RFC 3711 §3.3.1. Outbound: the highest index sent and the last SRTCP index sent.
/// </summary>
internal sealed class SrtpStream
{
    public SrtpReplayWindow Rtp;
    public SrtpReplayWindow Rtcp;
    public bool Sent;
    public ulong SentHighest;
    public uint LastRtcpIndex;

    /// <summary>
    /// The packet index of <paramref name="seq"/> given the highest index seen (RFC 3711 Appendix A):
    /// the ROC, one less, or one more, whichever puts the index nearest. False when that would make
    /// the ROC negative or overflow it.
    /// </summary>
    public static bool TryEstimateIndex(bool started, ulong highest, ushort seq, out ulong index)
    {
        if (!started)
        {
            index = seq;
            return true;
        }

        long roc = (long)(highest >> 16);
        var last = (ushort)highest;
        var guess = roc;
        if (last < 0x8000)
        {
            if (seq - last > 0x8000)
            {
                guess = roc - 1;
            }
        }
        else if (last - 0x8000 > seq)
        {
            guess = roc + 1;
        }

        if (guess < 0 || guess > uint.MaxValue)
        {
            index = 0;
            return false;
        }

        index = ((ulong)guess << 16) | seq;
        return true;
    }
}
