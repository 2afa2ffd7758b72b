namespace OrleansLive.Media.Containers.Ps;

/// <summary>What a <see cref="PsDemuxer"/> saw and threw away.</summary>
public sealed class PsDemuxerCounters
{
    public long Packs { get; internal set; }

    public long SystemHeaders { get; internal set; }

    public long StreamMaps { get; internal set; }

    public long Pes { get; internal set; }

    /// <summary>Bytes skipped looking for a start code: damage, or streams that do not start on a pack.</summary>
    public long SkippedBytes { get; internal set; }

    /// <summary>PES or pack headers that did not parse.</summary>
    public long CorruptPackets { get; internal set; }

    /// <summary>Frames that grew past <see cref="PsDemuxer.MaxFrameSize"/>, dropped.</summary>
    public long OversizedFrames { get; internal set; }

    public long Frames { get; internal set; }
}
