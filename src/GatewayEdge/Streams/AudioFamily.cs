using OrleansLive.Media.Codecs;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>
/// Which audio a player can use: WebRTC carries Opus; RTMP, FLV, TS, HLS, DVR and forwards carry
/// AAC (or MP3). A stream's audio of the other family reaches a player through the stream's
/// <see cref="AudioBridge"/>.
/// </summary>
public enum AudioFamily
{
    Classic,
    Rtc,
    /// <summary>The stream's own audio, never converted: another gateway pulling the stream, which
    /// bridges for its own players.</summary>
    Source,
}

public static class AudioFamilies
{
    public static AudioFamily Of(AudioCodecId codec) => codec == AudioCodecId.Opus ? AudioFamily.Rtc : AudioFamily.Classic;

    public static AudioFamily Other(this AudioFamily family) => family == AudioFamily.Rtc ? AudioFamily.Classic : AudioFamily.Rtc;

    /// <summary>The codec a bridge into the family produces.</summary>
    public static AudioCodecId Codec(this AudioFamily family) => family == AudioFamily.Rtc ? AudioCodecId.Opus : AudioCodecId.Aac;
}
