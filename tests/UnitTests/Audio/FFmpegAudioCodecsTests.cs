using System.Runtime.InteropServices;
using OrleansLive.Media.Audio;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.FFmpeg;

namespace OrleansLive.UnitTests.Audio;

/// <summary>What the codec factory offers here, and the configurations its transcoders announce.</summary>
public sealed class FFmpegAudioCodecsTests
{
    private static readonly FFmpegAudioCodecs Codecs = new();

    [Fact]
    public void The_libraries_load_on_this_machine() => Assert.Null(Codecs.Unavailable);

    [Fact]
    public void A_library_that_does_not_load_is_named_with_the_packages_to_install()
    {
        var reason = FFmpegLibraries.FirstMissing([
            ("libavutil.so.57", () => 1),
            ("libavcodec.so.59", () => NativeLibrary.Load("libavcodec.so.0") == 0 ? 0u : 1u),
        ]);
        Assert.Equal("libavcodec.so.59 not found: install libavcodec59 libavfilter8 libswresample4", reason);
    }

    [Theory]
    [InlineData(AudioCodecId.G711A, AudioCodecId.Opus)]
    [InlineData(AudioCodecId.Opus, AudioCodecId.G711U)]
    [InlineData(AudioCodecId.Aac, AudioCodecId.Aac)]
    [InlineData(AudioCodecId.Mp3, AudioCodecId.Opus)]
    public void Pairs_it_cannot_convert_are_not_supported(AudioCodecId input, AudioCodecId output) =>
        Assert.Throws<NotSupportedException>(() => Codecs.Create(new AudioTranscodeRequest(input, ReadOnlyMemory<byte>.Empty, output, 0)));

    [Fact]
    public void Unreadable_input_configurations_are_not_supported()
    {
        Assert.Throws<NotSupportedException>(() => Codecs.Create(new AudioTranscodeRequest(AudioCodecId.Aac, new byte[] { 0 }, AudioCodecId.Opus, 0)));
        Assert.Throws<NotSupportedException>(() => Codecs.Create(new AudioTranscodeRequest(AudioCodecId.Opus, OpusHead.ForChannels(6).ToBytes(), AudioCodecId.Aac, 0)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Opus_output_announces_an_opus_head_with_the_encoder_pre_skip(int channels)
    {
        using var transcoder = Codecs.Create(new AudioTranscodeRequest(AudioCodecId.Aac, TestSignals.Config(44100, channels).ToBytes(), AudioCodecId.Opus, 0));
        Assert.True(OpusHead.TryParse(transcoder.OutputConfig.Span, out var head));
        Assert.Equal(channels, head.Channels);
        Assert.Equal(312, head.PreSkip); // libopus look-ahead at 48 kHz, application "audio"
        Assert.Equal(new AudioFormat(AudioCodecId.Opus, 48000, channels), transcoder.Output);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Aac_output_announces_aac_lc_at_48_khz(int channels)
    {
        using var transcoder = Codecs.Create(new AudioTranscodeRequest(AudioCodecId.Opus, OpusHead.ForChannels(channels).ToBytes(), AudioCodecId.Aac, 96000));
        Assert.True(AudioSpecificConfig.TryParse(transcoder.OutputConfig.Span, out var config));
        Assert.Equal(new AudioSpecificConfig(2, 3, 48000, channels), config);
        Assert.Equal(new AudioFormat(AudioCodecId.Aac, 48000, channels), transcoder.Output);
    }

    [Fact]
    public void Surround_aac_is_mixed_to_stereo_opus()
    {
        using var transcoder = Codecs.Create(new AudioTranscodeRequest(AudioCodecId.Aac, TestSignals.Config(48000, 6).ToBytes(), AudioCodecId.Opus, 0));
        Assert.Equal(2, transcoder.Output.Channels);
    }
}
