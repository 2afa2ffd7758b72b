using OrleansLive.Interfaces;
using OrleansLive.Media.Codecs;

namespace OrleansLive.GatewayEdge.Sessions;

/// <summary>The format library's codec facts as the grain contracts carry them.</summary>
public static class CodecFactsMapping
{
    public static VideoInfo ToInfo(this VideoFacts facts) => new(facts.Codec, facts.Profile, facts.Level, facts.Width, facts.Height);

    public static AudioInfo ToInfo(this AudioFacts facts) => new(facts.Codec, facts.SampleRate, facts.Channels, facts.Profile);
}
