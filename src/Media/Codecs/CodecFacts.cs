namespace OrleansLive.Media.Codecs;

/// <summary>Video facts read from a decoder configuration, named as SRS reports them: codec
/// "H264"/"HEVC"/"AV1"/"VP6"/"Other", profile "Main"/"High"/..., level "3.1"/..., picture size.</summary>
public sealed record VideoFacts(string Codec, string Profile, string Level, int Width, int Height);

/// <summary>Audio facts read from a decoder configuration, named as SRS reports them: codec
/// "AAC"/"MP3"/"Opus"/..., sample rate, channels, profile "LC"/"HE"/"HEv2"/"Other".</summary>
public sealed record AudioFacts(string Codec, int SampleRate, int Channels, string Profile);
