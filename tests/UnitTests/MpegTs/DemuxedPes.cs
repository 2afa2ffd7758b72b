namespace OrleansLive.UnitTests.MpegTs;

/// <summary>A PES as a test reads it: timestamps in 90 kHz, the payload copied, the PCR of its first packet.</summary>
internal sealed record DemuxedPes(int Pid, byte StreamType, long Pts, long Dts, byte[] Payload, bool RandomAccess, long? Pcr);
