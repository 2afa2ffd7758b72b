using System.Globalization;

namespace OrleansLive.Media.FFmpeg;

/// <summary>Decoded audio as FFmpeg names it: rate, sample format ("fltp", "flt", "s16"...) and
/// channel layout ("mono", "stereo", "5.1"...), the strings abuffer and aformat take.</summary>
internal readonly record struct PcmFormat(int SampleRate, string SampleFormat, string Layout)
{
    /// <summary>abuffer's arguments; its time base is the transcoder's, milliseconds.</summary>
    public string BufferArgs() => string.Create(CultureInfo.InvariantCulture,
        $"time_base=1/1000:sample_rate={SampleRate}:sample_fmt={SampleFormat}:channel_layout={Layout}");

    /// <summary>aformat's arguments: convert to exactly this format.</summary>
    public string FormatArgs() => string.Create(CultureInfo.InvariantCulture,
        $"sample_fmts={SampleFormat}:sample_rates={SampleRate}:channel_layouts={Layout}");

    public static string LayoutFor(int channels) => channels == 1 ? "mono" : "stereo";
}
