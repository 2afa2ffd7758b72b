using OrleansLive.Interfaces;

namespace OrleansLive.Grains.Processes;

/// <summary>One ingest as configured ("Vhosts:&lt;name&gt;:Ingest:&lt;id&gt;"), SRS's
/// `ingest ID { enabled; input { type; url; } ffmpeg; engine { output; } }`. Mirrors <see cref="IngestSettings"/>.</summary>
public sealed class IngestOptions
{
    public const string DefaultEngine = "-c copy -f flv";

    public const string DefaultOutput = "rtmp://127.0.0.1:[port]/[app]/[stream]?vhost=[vhost]";

    /// <summary>Off unless enabled, as in SRS.</summary>
    public bool Enabled { get; set; }

    public IngestInputOptions Input { get; set; } = new();

    /// <summary>The ffmpeg binary: a path, or a name looked up on PATH.</summary>
    public string Ffmpeg { get; set; } = "ffmpeg";

    public IngestEngineOptions Engine { get; set; } = new();

    /// <summary>Where ffmpeg pushes; [vhost] [port] [app] [stream] and [id] are replaced.</summary>
    public string Output { get; set; } = DefaultOutput;

    /// <summary>The app and stream [app] and [stream] stand for in <see cref="Output"/>.</summary>
    public string App { get; set; } = "live";

    /// <summary>Empty: the ingest's id.</summary>
    public string Stream { get; set; } = "";

    public IngestSettings ToSettings(string id) => new(id, (Input.Type ?? "").Trim().ToLowerInvariant(), Input.Url ?? "",
        string.IsNullOrWhiteSpace(Ffmpeg) ? "ffmpeg" : Ffmpeg.Trim(),
        string.IsNullOrWhiteSpace(Engine.Arguments) ? DefaultEngine : Engine.Arguments.Trim(),
        string.IsNullOrWhiteSpace(Output) ? DefaultOutput : Output.Trim(),
        string.IsNullOrWhiteSpace(App) ? "live" : App.Trim(),
        string.IsNullOrWhiteSpace(Stream) ? id : Stream.Trim());

    /// <summary>Adds a problem for an enabled ingest without a known input type or a url.</summary>
    public void Validate(string prefix, List<string> errors)
    {
        if (!Enabled)
        {
            return;
        }
        if (Input.Type?.Trim().ToLowerInvariant() is not ("file" or "stream" or "device"))
        {
            errors.Add($"{prefix}:Input:Type '{Input.Type}' is not file, stream or device");
        }
        if (string.IsNullOrWhiteSpace(Input.Url))
        {
            errors.Add($"{prefix}:Input:Url is empty");
        }
    }

    /// <summary>The enabled ingests of a vhost, in id order; null when there are none.</summary>
    public static IReadOnlyList<IngestSettings>? ToSettings(Dictionary<string, IngestOptions> ingests)
    {
        var list = ingests.Where(i => i.Value.Enabled).OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => i.Value.ToSettings(i.Key)).ToList();
        return list.Count > 0 ? list : null;
    }
}

public sealed class IngestInputOptions
{
    /// <summary>file (read at its own pace, looped), stream (any URL ffmpeg reads) or device.</summary>
    public string Type { get; set; } = "file";

    public string Url { get; set; } = "";
}

public sealed class IngestEngineOptions
{
    /// <summary>ffmpeg's output options as one command line; empty: "-c copy -f flv".</summary>
    public string Arguments { get; set; } = "";
}

/// <summary>The exec block as configured ("Vhosts:&lt;name&gt;:Exec"). Mirrors <see cref="ExecSettings"/>.</summary>
public sealed class ExecOptions
{
    public bool Enabled { get; set; }

    /// <summary>Command lines run on publish, ended on unpublish.</summary>
    public List<string> Publish { get; set; } = [];

    public ExecSettings? ToSettings()
    {
        var commands = Publish.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c.Trim()).ToList();
        return Enabled && commands.Count > 0 ? new ExecSettings(true, commands) : null;
    }
}
