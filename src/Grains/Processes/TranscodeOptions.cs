using System.Globalization;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains.Processes;

/// <summary>The transcode block as configured ("Vhosts:&lt;name&gt;:Transcode"), SRS's
/// `transcode [app] { enabled; ffmpeg; engine NAME { } }`. Mirrors <see cref="TranscodeSettings"/>.</summary>
public sealed class TranscodeOptions
{
    public const string DefaultOutput = "rtmp://127.0.0.1:[port]/[app]/[stream]_[engine]?vhost=[vhost]";

    /// <summary>Off unless enabled, as in SRS.</summary>
    public bool Enabled { get; set; }

    /// <summary>Only streams of this app ("live") or this stream ("live/livestream"); empty: every stream.</summary>
    public string App { get; set; } = "";

    /// <summary>The ffmpeg binary: a path, or a name looked up on PATH.</summary>
    public string Ffmpeg { get; set; } = "ffmpeg";

    /// <summary>Renditions by engine name ("Vhosts:&lt;name&gt;:Transcode:Engines:&lt;engine&gt;").</summary>
    public Dictionary<string, TranscodeEngineOptions> Engines { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Null when off or without an enabled engine; engines in name order.</summary>
    public TranscodeSettings? ToSettings()
    {
        var engines = Engines.Where(e => e.Value.Enabled).OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Value.ToSettings(e.Key)).ToList();
        return Enabled && engines.Count > 0
            ? new TranscodeSettings((App ?? "").Trim().Trim('/'), string.IsNullOrWhiteSpace(Ffmpeg) ? "ffmpeg" : Ffmpeg.Trim(), engines)
            : null;
    }

    /// <summary>Adds a problem for each enabled engine with an unknown codec, a name that cannot end a
    /// stream name, or a negative number.</summary>
    public void Validate(string prefix, List<string> errors)
    {
        if (!Enabled)
        {
            return;
        }
        foreach (var (name, engine) in Engines.Where(e => e.Value.Enabled))
        {
            var at = $"{prefix}:Engines:{name}";
            if (name.Length == 0 || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.'))
            {
                errors.Add($"{at}: an engine name is letters, digits, '-', '_' and '.'");
            }
            if (TranscodeEngineOptions.Normalize(engine.VideoCodec, "libx264") is not ("libx264" or "copy" or "vn"))
            {
                errors.Add($"{at}:VideoCodec '{engine.VideoCodec}' is not libx264, copy or vn");
            }
            if (TranscodeEngineOptions.Normalize(engine.AudioCodec, "aac") is not ("aac" or "copy" or "an"))
            {
                errors.Add($"{at}:AudioCodec '{engine.AudioCodec}' is not aac, copy or an");
            }
            if (engine.VideoBitrateKbps < 0 || engine.AudioBitrateKbps < 0 || engine.Width < 0 || engine.Height < 0 || engine.Fps < 0 || double.IsNaN(engine.Fps))
            {
                errors.Add($"{at}: bitrates, size and fps may not be negative");
            }
            if (engine.Width % 2 != 0 || engine.Height % 2 != 0)
            {
                errors.Add($"{at}: width and height must be even for H.264 4:2:0");
            }
        }
    }
}

public sealed class TranscodeEngineOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>libx264 (the default), copy or vn (no video).</summary>
    public string VideoCodec { get; set; } = "libx264";

    /// <summary>0: the encoder's default.</summary>
    public int VideoBitrateKbps { get; set; }

    /// <summary>0 keeps the source's; one of width and height alone keeps the aspect ratio.</summary>
    public int Width { get; set; }

    public int Height { get; set; }

    /// <summary>0 keeps the source's frame rate.</summary>
    public double Fps { get; set; }

    /// <summary>H.264 profile (baseline, main, high); empty: the encoder's default.</summary>
    public string Profile { get; set; } = "";

    /// <summary>x264 preset; live renditions default to veryfast.</summary>
    public string Preset { get; set; } = "veryfast";

    /// <summary>aac (the default), copy or an (no audio).</summary>
    public string AudioCodec { get; set; } = "aac";

    /// <summary>0: the encoder's default.</summary>
    public int AudioBitrateKbps { get; set; }

    /// <summary>Where the rendition is published; [vhost] [port] [app] [stream] [engine] are replaced.</summary>
    public string Output { get; set; } = TranscodeOptions.DefaultOutput;

    /// <summary>More ffmpeg output options, as one command line.</summary>
    public string ExtraArgs { get; set; } = "";

    public TranscodeEngineSettings ToSettings(string name) => new(name, Normalize(VideoCodec, "libx264"), VideoBitrateKbps, Width, Height, Fps,
        (Profile ?? "").Trim(), (Preset ?? "").Trim(), Normalize(AudioCodec, "aac"), AudioBitrateKbps,
        string.IsNullOrWhiteSpace(Output) ? TranscodeOptions.DefaultOutput : Output.Trim(), (ExtraArgs ?? "").Trim());

    /// <summary>Lower case; empty becomes <paramref name="empty"/>. SRS's libfdk_aac (not in stock ffmpeg builds) is aac.</summary>
    internal static string Normalize(string? codec, string empty)
    {
        var value = (codec ?? "").Trim().ToLower(CultureInfo.InvariantCulture);
        return value.Length == 0 ? empty : value == "libfdk_aac" ? "aac" : value;
    }
}
