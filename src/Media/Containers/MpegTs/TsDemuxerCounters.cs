namespace OrleansLive.Media.Containers.MpegTs;

/// <summary>What a <see cref="TsDemuxer"/> saw and threw away, for stream health reports.</summary>
public sealed class TsDemuxerCounters
{
    public long Packets { get; internal set; }

    /// <summary>Times the 0x47 sync byte was lost and searched for again.</summary>
    public long SyncLosses { get; internal set; }

    /// <summary>Bytes skipped while searching for sync.</summary>
    public long SkippedBytes { get; internal set; }

    /// <summary>Bytes of an incomplete last packet that <see cref="TsDemuxer.Flush"/> threw away.</summary>
    public long TrailingBytes { get; internal set; }

    /// <summary>Packets flagged with transport_error_indicator, dropped.</summary>
    public long TransportErrors { get; internal set; }

    /// <summary>Continuity counter jumps not announced by a discontinuity_indicator.</summary>
    public long ContinuityErrors { get; internal set; }

    /// <summary>Packets repeating the previous counter: the one duplicate the standard allows, skipped.</summary>
    public long DuplicatePackets { get; internal set; }

    public long CrcErrors { get; internal set; }

    public long PatCount { get; internal set; }

    public long PmtCount { get; internal set; }

    public long PcrCount { get; internal set; }

    /// <summary>PES lost to continuity errors or transport errors: dropped whole, never emitted in part.</summary>
    public long DroppedPes { get; internal set; }

    /// <summary>PES whose header did not parse, or that ended before their declared length.</summary>
    public long CorruptPes { get; internal set; }

    /// <summary>PES that grew past <see cref="TsDemuxer.MaxPesSize"/>, dropped.</summary>
    public long OversizedPes { get; internal set; }

    /// <summary>PES without a timestamp before any timestamp was seen on their stream, dropped.</summary>
    public long UntimedPes { get; internal set; }

    public long Frames { get; internal set; }
}
