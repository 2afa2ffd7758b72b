using OrleansLive.Media.Audio;
using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.FFmpeg;

/// <summary>
/// Audio transcoders over the system's FFmpeg 5 libraries: AAC to Opus (WebRTC players) and Opus to
/// AAC (RTMP, FLV, TS, HLS and DVR). FFmpeg's own AAC and Opus decoders, libopus and FFmpeg's AAC-LC
/// encoder; output is always 48 kHz.
/// </summary>
public sealed class FFmpegAudioCodecs : IAudioCodecs
{
    public string? Unavailable => FFmpegLibraries.Unavailable;

    public IAudioTranscoder Create(AudioTranscodeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Unavailable is { } reason)
        {
            throw new NotSupportedException(reason);
        }

        return (request.Input, request.Output) switch
        {
            (AudioCodecId.Aac, AudioCodecId.Opus) => FFmpegTranscoder.AacToOpus(request.InputConfig.Span, request.Bitrate),
            (AudioCodecId.Opus, AudioCodecId.Aac) => FFmpegTranscoder.OpusToAac(request.InputConfig.Span, request.Bitrate),
            _ => throw new NotSupportedException($"No {request.Input} to {request.Output} transcoding"),
        };
    }
}
