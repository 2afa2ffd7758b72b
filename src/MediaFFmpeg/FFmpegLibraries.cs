using OrleansLive.Media.FFmpeg.Native;

namespace OrleansLive.Media.FFmpeg;

/// <summary>Whether FFmpeg 5.x with the codecs and filters the transcoder needs loads here; probed once.</summary>
internal static class FFmpegLibraries
{
    private const string Install = "install libavcodec59 libavfilter8 libswresample4";

    private static readonly Lazy<string?> Probe = new(Load);

    /// <summary>Null when everything loads; else the reason, for one log line.</summary>
    public static string? Unavailable => Probe.Value;

    private static string? Load()
    {
        if (FirstMissing([
            (AvUtil.Lib, AvUtil.avutil_version),
            (SwResample.Lib, SwResample.swresample_version),
            (AvCodec.Lib, AvCodec.avcodec_version),
            (AvFilter.Lib, AvFilter.avfilter_version),
        ]) is { } missing)
        {
            return missing;
        }

        foreach (var name in new[] { "aac", "opus" })
        {
            if (AvCodec.avcodec_find_decoder_by_name(name) == 0)
            {
                return $"FFmpeg has no {name} decoder";
            }
        }

        foreach (var name in new[] { "libopus", "aac" })
        {
            if (AvCodec.avcodec_find_encoder_by_name(name) == 0)
            {
                return $"FFmpeg has no {name} encoder";
            }
        }

        foreach (var name in new[] { "abuffer", "aresample", "aformat", "abuffersink" })
        {
            if (AvFilter.avfilter_get_by_name(name) == 0)
            {
                return $"FFmpeg has no {name} filter";
            }
        }

        // Decoders log every corrupt frame; the transcoder counts those instead.
        AvUtil.av_log_set_level(AvUtil.LogFatal);
        return null;
    }

    /// <summary>Calls each library's version function (the first call loads it): the reason for the
    /// first that will not load, or null.</summary>
    internal static string? FirstMissing(IEnumerable<(string Lib, Func<uint> Version)> libraries)
    {
        foreach (var (lib, version) in libraries)
        {
            try
            {
                version();
            }
            catch (DllNotFoundException)
            {
                return $"{lib} not found: {Install}";
            }
            catch (EntryPointNotFoundException)
            {
                return $"{lib} is not the FFmpeg 5 library: {Install}";
            }
        }

        return null;
    }
}
