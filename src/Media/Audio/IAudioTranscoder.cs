using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Audio;

/// <summary>
/// Turns one stream's audio from one codec into another (AAC to Opus for WebRTC players, Opus to AAC
/// for RTMP, FLV, TS, HLS and DVR), frame by frame: decode, resample, re-frame to the output codec's
/// frame size, encode. One instance per stream and direction, fed by one thread.
/// </summary>
public interface IAudioTranscoder : IDisposable
{
    /// <summary>What comes out: codec, sample rate and channel count.</summary>
    AudioFormat Output { get; }

    /// <summary>The output's decoder configuration: an AudioSpecificConfig for AAC, an OpusHead for Opus.</summary>
    ReadOnlyMemory<byte> OutputConfig { get; }

    /// <summary>
    /// Decodes one input frame (a raw AAC access unit without ADTS header, or one Opus packet) with
    /// its presentation time in milliseconds and appends every output frame it completes. A frame the
    /// decoder rejects adds nothing and is counted in <see cref="DroppedFrames"/>; the next good frame
    /// decodes normally. Output times follow the samples produced from the first input's time on, and
    /// start over from the input's time when the input jumps (a gap, DTX silence, a clock reset).
    /// </summary>
    void Transcode(ReadOnlySpan<byte> frame, long timestampMs, ICollection<EncodedAudio> output);

    /// <summary>Input frames the decoder could not decode.</summary>
    long DroppedFrames { get; }
}

/// <summary>One encoded output frame: codec bitstream (raw AAC access unit, or one Opus packet) and its presentation time.</summary>
public readonly record struct EncodedAudio(long TimestampMs, byte[] Data);

/// <summary>Codec, sample rate and channels of an audio stream.</summary>
public readonly record struct AudioFormat(AudioCodecId Codec, int SampleRate, int Channels);

/// <summary>What a stream needs converted: input codec and its decoder configuration, output codec and bitrate.</summary>
/// <param name="InputConfig">AudioSpecificConfig for AAC input; OpusHead (or empty, meaning stereo) for Opus.</param>
public sealed record AudioTranscodeRequest(AudioCodecId Input, ReadOnlyMemory<byte> InputConfig, AudioCodecId Output, int Bitrate);

/// <summary>Makes transcoders; the codec library behind it may be missing on a machine.</summary>
public interface IAudioCodecs
{
    /// <summary>Null when transcoding works here; else why not (a missing library), for one log line.</summary>
    string? Unavailable { get; }

    /// <summary>A transcoder for the request; throws <see cref="NotSupportedException"/> for a pair it cannot convert.</summary>
    IAudioTranscoder Create(AudioTranscodeRequest request);
}
