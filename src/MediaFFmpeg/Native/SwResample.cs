using System.Runtime.InteropServices;

namespace OrleansLive.Media.FFmpeg.Native;

/// <summary>libswresample 4: not called directly (aresample uses it inside the filter graph), only
/// probed so a missing library is reported by name rather than as a failing graph.</summary>
internal static partial class SwResample
{
    public const string Lib = "libswresample.so.4";

    [LibraryImport(Lib)]
    public static partial uint swresample_version();
}
