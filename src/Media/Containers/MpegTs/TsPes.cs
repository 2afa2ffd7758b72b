
namespace OrleansLive.Media.Containers.MpegTs;

/// <summary>
/// One reassembled PES from <see cref="TsReader"/>: timestamps in 90 kHz, the elementary stream
/// bytes, and what the adaptation field of its first packet said.
/// </summary>
public sealed record TsPes(int Pid, byte StreamType, long? Pts, long? Dts, byte[] Payload, bool RandomAccess, long? Pcr = null);
