using System.Runtime.InteropServices;

namespace OrleansLive.Media.FFmpeg.Native;

/// <summary>The part of libavutil 57 (FFmpeg 5.x) the transcoder uses: frames, AVOptions, errors, logging.</summary>
internal static unsafe partial class AvUtil
{
    public const string Lib = "libavutil.so.57";

    /// <summary>AV_OPT_SEARCH_CHILDREN: an option may live on the codec's private context.</summary>
    public const int SearchChildren = 1;

    /// <summary>AV_LOG_FATAL: decoders log every corrupt frame as an error; those are counted, not printed.</summary>
    public const int LogFatal = 8;

    /// <summary>AVERROR(EAGAIN): send more input (or drain output) first.</summary>
    public const int ErrorAgain = -11;

    /// <summary>AVERROR_EOF, FFERRTAG('E','O','F',' ').</summary>
    public const int ErrorEof = -0x20464F45;

    [LibraryImport(Lib)]
    public static partial uint avutil_version();

    [LibraryImport(Lib)]
    public static partial void av_log_set_level(int level);

    [LibraryImport(Lib)]
    public static partial nint av_frame_alloc();

    [LibraryImport(Lib)]
    public static partial void av_frame_free(nint* frame);

    [LibraryImport(Lib)]
    public static partial void av_frame_unref(nint frame);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int av_opt_set(nint obj, string name, string value, int searchFlags);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int av_opt_set_int(nint obj, string name, long value, int searchFlags);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int av_opt_get_int(nint obj, string name, int searchFlags, out long value);

    /// <summary>The option as text, in memory the caller frees with <see cref="av_free"/>.</summary>
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int av_opt_get(nint obj, string name, int searchFlags, out nint value);

    /// <summary>A static string ("fltp", "s16"...), or null for an unknown format.</summary>
    [LibraryImport(Lib)]
    public static partial nint av_get_sample_fmt_name(int format);

    /// <summary>The AVSampleFormat of a name, or -1 (AV_SAMPLE_FMT_NONE).</summary>
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int av_get_sample_fmt(string name);

    [LibraryImport(Lib)]
    public static partial void av_free(nint pointer);

    [LibraryImport(Lib)]
    public static partial int av_strerror(int error, byte* buffer, nuint size);

    public static string ErrorText(int error)
    {
        var buffer = stackalloc byte[128];
        return av_strerror(error, buffer, 128) == 0 ? Marshal.PtrToStringUTF8((nint)buffer) ?? error.ToString() : $"error {error}";
    }

    /// <summary>A string option of <paramref name="obj"/>, or null when it has none.</summary>
    public static string? GetString(nint obj, string name)
    {
        if (av_opt_get(obj, name, SearchChildren, out var value) < 0 || value == 0)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(value);
        }
        finally
        {
            av_free(value);
        }
    }

    /// <summary>Sets an option or says which one the library refused.</summary>
    public static void Set(nint obj, string name, string value)
    {
        var ret = av_opt_set(obj, name, value, SearchChildren);
        if (ret < 0)
        {
            throw new InvalidOperationException($"FFmpeg option {name}={value}: {ErrorText(ret)}");
        }
    }

    public static void Set(nint obj, string name, long value)
    {
        var ret = av_opt_set_int(obj, name, value, SearchChildren);
        if (ret < 0)
        {
            throw new InvalidOperationException($"FFmpeg option {name}={value}: {ErrorText(ret)}");
        }
    }
}
