using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.FFmpeg;

/// <summary>Turns one input frame into the packet its decoder takes, and says how long it lasts.</summary>
internal interface IInputFraming
{
    /// <summary>False for a frame that cannot even be framed (empty, too long).</summary>
    bool TryFrame(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> packet, out int samples, out int sampleRate);
}

/// <summary>
/// Raw AAC access units get an ADTS header from the stream's AudioSpecificConfig, so FFmpeg's
/// decoder needs no extradata. A frame that already is one whole ADTS frame goes as it is: its header
/// then states the configuration, which is how a rate change mid-stream reaches the decoder.
/// </summary>
internal sealed class AacInputFraming(AudioSpecificConfig config) : IInputFraming
{
    private const int SamplesPerBlock = 1024;

    private readonly byte[] _buffer = new byte[AdtsHeader.MaxFrameLength];

    public bool TryFrame(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> packet, out int samples, out int sampleRate)
    {
        if (AdtsHeader.TryParse(frame, out var adts) && adts.FrameLength == frame.Length && frame.Length > adts.HeaderLength)
        {
            packet = frame;
            samples = adts.Samples;
            sampleRate = adts.SampleRate;
            return true;
        }

        samples = SamplesPerBlock;
        sampleRate = config.SampleRate;
        if (frame.IsEmpty || frame.Length > AdtsHeader.MaxFrameLength - AdtsHeader.MinHeaderSize)
        {
            packet = default;
            return false;
        }

        config.WriteAdtsHeader(_buffer, frame.Length);
        frame.CopyTo(_buffer.AsSpan(AdtsHeader.MinHeaderSize));
        packet = _buffer.AsSpan(0, AdtsHeader.MinHeaderSize + frame.Length);
        return true;
    }
}

/// <summary>Opus packets go to the decoder as they are; the TOC byte gives their duration.</summary>
internal sealed class OpusInputFraming : IInputFraming
{
    public bool TryFrame(ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> packet, out int samples, out int sampleRate)
    {
        packet = frame;
        samples = OpusHead.PacketSamples(frame);
        sampleRate = OpusHead.SampleRate;
        return !frame.IsEmpty;
    }
}
