namespace OrleansLive.Media.Containers.MpegTs;

/// <summary>
/// One program as the PAT and its latest PMT describe it. <see cref="StreamTypes"/> lists every
/// elementary stream the PMT announces, including the ones the demuxer does not follow, so a health
/// report can name what a sender carries that is not understood.
/// </summary>
/// <param name="PcrPid">The PID carrying the program's PCR, or -1 before the first PMT.</param>
/// <param name="Version">The PMT's version_number, or -1 before the first PMT.</param>
/// <param name="StreamTypes">stream_type by elementary PID.</param>
public sealed record TsProgramInfo(int Number, int PmtPid, int PcrPid, int Version, IReadOnlyDictionary<int, byte> StreamTypes);
