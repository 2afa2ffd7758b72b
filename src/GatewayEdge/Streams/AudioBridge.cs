using OrleansLive.Interfaces;
using OrleansLive.Media.Audio;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Samples;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>
/// One stream's audio converted for the players of the other family (AAC to Opus for WebRTC, Opus to
/// AAC for everything else), once for all of them. Fed by the publisher's thread; disposed by whoever
/// stops it, so both go through one lock and nothing touches the codec after it is freed.
/// </summary>
public sealed class AudioBridge : IDisposable
{
    private readonly object _gate = new();
    private readonly IAudioTranscoder _transcoder;
    private readonly List<EncodedAudio> _encoded = new();
    private readonly int _bitrate;
    private bool _disposed;
    private long _framesIn;
    private long _framesOut;

    public AudioBridge(IAudioTranscoder transcoder, AudioCodecId input, ReadOnlyMemory<byte> inputConfig, int bitrate)
    {
        _transcoder = transcoder;
        Input = input;
        InputConfig = inputConfig.ToArray();
        _bitrate = bitrate;
    }

    public AudioCodecId Input { get; }

    /// <summary>The decoder configuration the bridge was made for; a new one needs a new bridge.</summary>
    public byte[] InputConfig { get; }

    public AudioFormat Output => _transcoder.Output;

    /// <summary>The family whose players get this bridge's frames.</summary>
    public AudioFamily Target => AudioFamilies.Of(_transcoder.Output.Codec);

    /// <summary>The output's sequence header, sent as the bridge starts so that recorders which fix
    /// their tracks at the first keyframe (MP4) see the converted track; the caller releases it.</summary>
    public MediaFrame? ConfigFrame(uint timestamp) =>
        Converted(new SampleHeader(MediaKind.Audio, VideoCodecId.Unknown, _transcoder.Output.Codec, SamplePart.Config, false, 0, 0), timestamp, _transcoder.OutputConfig);

    /// <summary>The converted frames of one input frame, marked <see cref="MediaFrame.IsConverted"/>;
    /// appended to <paramref name="frames"/>, which the caller releases.</summary>
    public void Convert(MediaFrame frame, List<MediaFrame> frames)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _framesIn++;
            _encoded.Clear();
            _transcoder.Transcode(frame.Sample.Data.Span, frame.Timestamp, _encoded);
            var codec = _transcoder.Output.Codec;
            foreach (var audio in _encoded)
            {
                if (Converted(new SampleHeader(MediaKind.Audio, VideoCodecId.Unknown, codec, SamplePart.Frame, false, 0, 0), audio.TimestampMs, audio.Data) is { } converted)
                {
                    frames.Add(converted);
                    _framesOut++;
                }
            }
        }
    }

    /// <summary>What the API shows of this bridge.</summary>
    public AudioBridgeInfo Info(string gatewayId)
    {
        lock (_gate)
        {
            var output = _transcoder.Output;
            return new AudioBridgeInfo(gatewayId, Target == AudioFamily.Rtc ? "rtc" : "rtmp", Name(Input), Name(output.Codec),
                output.SampleRate, output.Channels, _bitrate, _framesIn, _framesOut, _transcoder.DroppedFrames);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _disposed = true;
                _transcoder.Dispose();
            }
        }
    }

    private static string Name(AudioCodecId codec) => codec switch
    {
        AudioCodecId.Aac => "AAC",
        AudioCodecId.Opus => "Opus",
        AudioCodecId.Mp3 => "MP3",
        _ => codec.ToString(),
    };

    private static MediaFrame? Converted(SampleHeader header, long timestampMs, ReadOnlyMemory<byte> data)
    {
        var frame = SampleFrames.FromSample(new MediaSample(header, timestampMs, data));
        if (frame is not null)
        {
            frame.IsConverted = true;
        }
        return frame;
    }
}
