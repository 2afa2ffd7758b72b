using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using OrleansLive.Media.Audio;
using OrleansLive.Media.Codecs;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>Bitrates of the audio bridges: Opus for WebRTC players (SRS's 48 kbit/s), AAC for the rest.</summary>
public sealed record AudioBridgeSettings(int OpusBitrate = 48_000, int AacBitrate = 128_000);

/// <summary>
/// Starts a stream's <see cref="AudioBridge"/> when players of the other family arrive, on the codec
/// library the host provides; without one (or when it cannot load) players get what the stream carries.
/// </summary>
public sealed class AudioBridges
{
    private readonly IAudioCodecs? _codecs;
    private readonly ILogger _logger;

    public AudioBridges(IAudioCodecs? codecs, AudioBridgeSettings settings, ILogger logger)
    {
        _logger = logger;
        Settings = settings;
        // Hubs ask before every audio frame, so whether the library loads is settled once, here.
        var why = codecs is null ? "no codec library" : codecs.Unavailable;
        if (why is not null)
        {
            _logger.LogWarning("Audio bridging is off: {Reason}; players get the stream's own audio codec only", why);
            return;
        }
        _codecs = codecs;
    }

    public AudioBridgeSettings Settings { get; }

    /// <summary>A codec library is there to run bridges with.</summary>
    [MemberNotNullWhen(true, nameof(_codecs))]
    public bool CanRun => _codecs is not null;

    /// <summary>A running bridge for the stream's audio into <paramref name="target"/>, or null (logged) when none can run.</summary>
    public AudioBridge? TryStart(string stream, AudioCodecId input, ReadOnlyMemory<byte> inputConfig, AudioFamily target)
    {
        if (!CanRun)
        {
            return null;
        }
        var output = target.Codec();
        var bitrate = output == AudioCodecId.Opus ? Settings.OpusBitrate : Settings.AacBitrate;
        try
        {
            var bridge = new AudioBridge(_codecs.Create(new AudioTranscodeRequest(input, inputConfig, output, bitrate)), input, inputConfig, bitrate);
            var format = bridge.Output;
            _logger.LogInformation("Audio bridge of {Stream} started: {Input} to {Output} {Rate} Hz {Channels} ch {Kbps} kbit/s",
                stream, input, output, format.SampleRate, format.Channels, bitrate / 1000);
            return bridge;
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            _logger.LogWarning("Audio bridge of {Stream} from {Input} to {Output} cannot run: {Error}", stream, input, output, ex.Message);
            return null;
        }
    }

    public void Stopped(string stream, AudioBridge bridge, string why)
    {
        var info = bridge.Info("");
        bridge.Dispose();
        _logger.LogInformation("Audio bridge of {Stream} ({From} to {To}) stopped: {Why}; {In} frames in, {Out} out, {Dropped} undecodable",
            stream, info.From, info.To, why, info.FramesIn, info.FramesOut, info.DroppedFrames);
    }
}
