namespace OrleansLive.Media.Rtp;

/// <summary>How a packet's 16-bit sequence number follows the previous one in an in-order feed.</summary>
internal static class RtpSequence
{
    // Further behind than any reordering the feed lets through: the sender restarted its numbering.
    private const int RestartDistance = 1024;

    /// <summary>1 for the next packet, n for a gap of n - 1, 0 for a duplicate or late packet to
    /// drop; a jump far backwards counts as a gap of one (a restarted sender, not a late packet).</summary>
    public static int Step(int last, ushort sequence)
    {
        if (last < 0)
        {
            return 1;
        }

        var step = (ushort)(sequence - last);
        if (step == 0)
        {
            return 0;
        }

        if (step < 0x8000)
        {
            return step;
        }

        return 0x10000 - step > RestartDistance ? 2 : 0;
    }
}
