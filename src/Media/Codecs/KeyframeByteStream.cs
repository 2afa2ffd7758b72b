using System.Buffers;

namespace OrleansLive.Media.Codecs;

/// <summary>
/// One H.264 or HEVC keyframe as a decoder reads it on its own: the configuration's parameter sets,
/// then the frame's NAL units, as an Annex B byte stream (what `ffmpeg -f h264` / `-f hevc` reads).
/// The parameter sets go first even when the frame carries its own: a later copy replaces the first.
/// </summary>
public static class KeyframeByteStream
{
    /// <summary>The byte stream; empty when the frame holds no complete NAL unit.</summary>
    public static byte[] Build(VideoDecoderConfig config, ReadOnlySpan<byte> lengthPrefixedFrame)
    {
        var output = new ArrayBufferWriter<byte>(config.ParameterSetsAnnexB.Length + lengthPrefixedFrame.Length + 64);
        output.Write(config.ParameterSetsAnnexB);
        return AnnexB.WriteAnnexB(lengthPrefixedFrame, config.NalLengthSize, output) == 0 ? [] : output.WrittenSpan.ToArray();
    }
}
