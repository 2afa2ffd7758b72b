namespace OrleansLive.Interfaces;

/// <summary>Video codec facts as SRS reports them: codec "H264"/"HEVC"/"AV1"/"VP6"/"Other".</summary>
[GenerateSerializer, Immutable]
public sealed record VideoInfo(
    [property: Id(0)] string Codec,
    [property: Id(1)] string Profile,
    [property: Id(2)] string Level,
    [property: Id(3)] int Width,
    [property: Id(4)] int Height);

/// <summary>Audio codec facts as SRS reports them: codec "AAC"/"MP3"/"Opus"/..., profile "LC"/"HE"/...</summary>
[GenerateSerializer, Immutable]
public sealed record AudioInfo(
    [property: Id(0)] string Codec,
    [property: Id(1)] int SampleRate,
    [property: Id(2)] int Channels,
    [property: Id(3)] string Profile);
