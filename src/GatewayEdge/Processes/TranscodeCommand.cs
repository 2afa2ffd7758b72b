using System.Globalization;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Processes;

/// <summary>
/// The ffmpeg command line of a transcode engine: read the source from this gateway's RTMP port with
/// its timestamps (-copyts) and publish the rendition back. Encoded video keeps the source's keyframes
/// (-force_key_frames source, no scene-cut keyframes), so renditions start segments at the same
/// pictures and timestamps and an adaptive player switches between them.
/// </summary>
public static class TranscodeCommand
{
    /// <summary>Whether the vhost's transcode applies to the stream: its app (or app/stream) scope,
    /// and the stream is not itself a rendition ("name_engine"), which would transcode forever.</summary>
    public static bool Applies(TranscodeSettings transcode, string app, string stream)
    {
        var scope = transcode.App;
        if (scope.Length > 0 && scope != app && scope != app + "/" + stream)
        {
            return false;
        }
        return !transcode.Engines.Any(e => stream.EndsWith("_" + e.Name, StringComparison.Ordinal));
    }

    /// <summary>The source as the engine reads it: the local RTMP port, the vhost in the query.</summary>
    public static string Input(StreamAddress source, int rtmpPort) =>
        $"rtmp://127.0.0.1:{rtmpPort.ToString(CultureInfo.InvariantCulture)}/{source.App}/{source.Stream}"
        + (source.Vhost == StreamKey.DefaultVhost ? "" : "?vhost=" + source.Vhost);

    public static string Output(TranscodeEngineSettings engine, StreamAddress source, int rtmpPort) =>
        CommandLine.Expand(engine.Output, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["vhost"] = source.Vhost,
            ["port"] = rtmpPort.ToString(CultureInfo.InvariantCulture),
            ["app"] = source.App,
            ["stream"] = source.Stream,
            ["engine"] = engine.Name,
        });

    /// <summary>The stream the rendition is published to; null when the output is not an rtmp:// URL.</summary>
    public static StreamAddress? OutputStream(TranscodeEngineSettings engine, StreamAddress source, int rtmpPort, IReadOnlySet<string> knownVhosts)
    {
        var output = Output(engine, source, rtmpPort);
        const string scheme = "rtmp://";
        if (!output.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || output.IndexOf('/', scheme.Length) is not (var start and > 0))
        {
            return null;
        }
        var path = output[(start + 1)..];
        var last = path.LastIndexOf('/');
        if (last <= 0 || last == path.Length - 1)
        {
            return null;
        }
        var known = new HashSet<string>(knownVhosts, StringComparer.Ordinal) { source.Vhost };
        return StreamAddress.Resolve(source.Vhost, path[..last], path[(last + 1)..], known);
    }

    public static IReadOnlyList<string> Argv(TranscodeSettings transcode, TranscodeEngineSettings engine, StreamAddress source, int rtmpPort)
    {
        List<string> argv = [transcode.Ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "warning", "-copyts", "-i", Input(source, rtmpPort)];
        argv.AddRange(VideoOptions(engine));
        argv.AddRange(AudioOptions(engine));
        argv.AddRange(CommandLine.Split(engine.ExtraArgs));
        argv.AddRange(["-f", "flv", Output(engine, source, rtmpPort)]);
        return argv;
    }

    private static IEnumerable<string> VideoOptions(TranscodeEngineSettings engine)
    {
        switch (engine.VideoCodec)
        {
            case "vn":
                yield return "-vn";
                yield break;
            case "copy":
                yield return "-c:v";
                yield return "copy";
                yield break;
        }
        yield return "-c:v";
        yield return engine.VideoCodec;
        if (engine.Width > 0 || engine.Height > 0)
        {
            // -2: the other side follows the aspect ratio, rounded to an even size.
            yield return "-vf";
            yield return $"scale={Side(engine.Width)}:{Side(engine.Height)}";
        }
        if (engine.Fps > 0)
        {
            yield return "-r";
            yield return engine.Fps.ToString(CultureInfo.InvariantCulture);
        }
        if (engine.VideoBitrateKbps > 0)
        {
            var kbps = engine.VideoBitrateKbps;
            foreach (var arg in (string[])["-b:v", Kbps(kbps), "-maxrate", Kbps(kbps), "-bufsize", Kbps(2 * kbps)])
            {
                yield return arg;
            }
        }
        if (engine.Profile.Length > 0)
        {
            yield return "-profile:v";
            yield return engine.Profile;
        }
        if (engine.Preset.Length > 0)
        {
            yield return "-preset";
            yield return engine.Preset;
        }
        foreach (var arg in (string[])["-pix_fmt", "yuv420p", "-force_key_frames", "source", "-sc_threshold", "0"])
        {
            yield return arg;
        }
    }

    private static IEnumerable<string> AudioOptions(TranscodeEngineSettings engine)
    {
        switch (engine.AudioCodec)
        {
            case "an":
                yield return "-an";
                yield break;
            case "copy":
                yield return "-c:a";
                yield return "copy";
                yield break;
        }
        yield return "-c:a";
        yield return engine.AudioCodec;
        if (engine.AudioBitrateKbps > 0)
        {
            yield return "-b:a";
            yield return Kbps(engine.AudioBitrateKbps);
        }
    }

    private static string Side(int pixels) => pixels > 0 ? pixels.ToString(CultureInfo.InvariantCulture) : "-2";

    private static string Kbps(int kbps) => kbps.ToString(CultureInfo.InvariantCulture) + "k";
}
