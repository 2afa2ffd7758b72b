using System.Globalization;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Processes;

/// <summary>The ffmpeg command line of an ingest, as SRS builds it: a file is read at its own pace and
/// looped (-re -stream_loop -1), a stream or device is read as it comes; then the engine's options and
/// the output with its variables replaced.</summary>
public static class IngestCommand
{
    public static string Output(IngestSettings ingest, string vhost, int rtmpPort) =>
        CommandLine.Expand(ingest.Output, Variables(ingest, vhost, rtmpPort));

    public static IReadOnlyList<string> Argv(IngestSettings ingest, string vhost, int rtmpPort)
    {
        List<string> argv = [ingest.Ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "warning"];
        if (ingest.InputType == "file")
        {
            argv.AddRange(["-re", "-stream_loop", "-1"]);
        }
        argv.AddRange(["-i", ingest.InputUrl]);
        argv.AddRange(CommandLine.Split(ingest.Engine));
        argv.Add(Output(ingest, vhost, rtmpPort));
        return argv;
    }

    /// <summary>The stream the ingest pushes into ("vhost/app/stream"): read from an rtmp:// output
    /// ("/app/stream?vhost=v" or SRS's "/app?vhost=v/stream"), else the configured app and stream.</summary>
    public static string StreamKeyOf(IngestSettings ingest, string vhost, int rtmpPort, IReadOnlySet<string> knownVhosts)
    {
        var output = Output(ingest, vhost, rtmpPort);
        const string scheme = "rtmp://";
        if (output.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && output.IndexOf('/', scheme.Length) is var start and > 0)
        {
            var path = output[(start + 1)..];
            var last = path.LastIndexOf('/');
            if (last > 0 && last < path.Length - 1)
            {
                var known = new HashSet<string>(knownVhosts, StringComparer.Ordinal) { vhost };
                return StreamAddress.Resolve(vhost, path[..last], path[(last + 1)..], known).Key;
            }
        }
        return Interfaces.StreamKey.Of(vhost, ingest.App, ingest.Stream);
    }

    private static Dictionary<string, string> Variables(IngestSettings ingest, string vhost, int rtmpPort) => new(StringComparer.Ordinal)
    {
        ["vhost"] = vhost,
        ["port"] = rtmpPort.ToString(CultureInfo.InvariantCulture),
        ["app"] = ingest.App,
        ["stream"] = ingest.Stream,
        ["id"] = ingest.Id,
    };
}
