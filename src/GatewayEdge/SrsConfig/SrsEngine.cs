using System.Globalization;

namespace OrleansLive.GatewayEdge.SrsConfig;

/// <summary>An SRS transcode engine block (`engine { vcodec; vbitrate; ...; acodec; ...; vparams { } }`)
/// as ffmpeg output options, in the order SRS's SrsFFMPEG passes them. "vn"/"an" drop the track,
/// "copy" copies it; bitrates are in kbps.</summary>
public static class SrsEngine
{
    public static string Arguments(SrsDirective engine)
    {
        var args = new List<string>();
        void Add(string option, string directive, Func<string, string>? map = null)
        {
            if (engine.Child(directive)?.Arg0 is { Length: > 0 } value)
            {
                args.Add(option);
                args.Add(map is null ? value : map(value));
            }
        }
        void Block(string name)
        {
            foreach (var param in engine.Child(name)?.Children ?? [])
            {
                args.Add("-" + param.Name);
                args.AddRange(param.Args);
            }
        }
        static string Kbps(string value) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kbps) ? (kbps * 1000).ToString(CultureInfo.InvariantCulture) : value;

        Block("vfilter");
        var vcodec = engine.Child("vcodec")?.Arg0 ?? "";
        if (vcodec == "vn")
        {
            args.Add("-vn");
        }
        else if (vcodec.Length > 0)
        {
            args.AddRange(["-vcodec", vcodec]);
            if (vcodec != "copy")
            {
                Add("-b:v", "vbitrate", Kbps);
                Add("-r", "vfps");
                if (engine.Child("vwidth")?.Arg0 is { Length: > 0 } w && engine.Child("vheight")?.Arg0 is { Length: > 0 } h)
                {
                    args.AddRange(["-s", $"{w}x{h}"]);
                }
                Add("-profile:v", "vprofile");
                Add("-preset", "vpreset");
                Add("-threads", "vthreads");
                Block("vparams");
            }
        }
        var acodec = engine.Child("acodec")?.Arg0 ?? "";
        if (acodec == "an")
        {
            args.Add("-an");
        }
        else if (acodec.Length > 0)
        {
            args.AddRange(["-acodec", acodec]);
            if (acodec != "copy")
            {
                Add("-b:a", "abitrate", Kbps);
                Add("-ar", "asample_rate");
                Add("-ac", "achannels");
                Block("aparams");
            }
        }
        args.AddRange(["-f", engine.Child("oformat")?.Arg0 is { Length: > 0 } format ? format : "flv"]);
        return args.Count == 2 ? "" : CommandLine(args);
    }

    /// <summary>Words as one command line that <see cref="Processes.CommandLine.Split"/> reads back.</summary>
    public static string CommandLine(IEnumerable<string> args) => string.Join(' ', args.Select(Quote));

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(ch => char.IsLetterOrDigit(ch) || "-_:.,/=+@%".Contains(ch)) ? arg : "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
