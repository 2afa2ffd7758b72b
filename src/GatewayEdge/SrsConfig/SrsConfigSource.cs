using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Logging;

namespace OrleansLive.GatewayEdge.SrsConfig;

/// <summary>
/// <c>--srs-config FILE</c> (or <c>--srs-config=FILE</c>): settings from an SRS configuration file,
/// then SRS's SRS_* environment variables, as configuration keys of this server. The source sits
/// after the JSON settings file and before .NET environment variables and the command line, so
/// <c>--Gateway:RtmpPort=1936</c> still wins. SRS_* variables apply with or without a file.
/// Re-read on every configuration reload (SIGHUP, the raw API's reload).
/// </summary>
public sealed class SrsConfigSource : IConfigurationSource
{
    public const string OptionName = "--srs-config";

    private readonly Func<IReadOnlyDictionary<string, string>> _environment;

    public SrsConfigSource(string? file, Func<IReadOnlyDictionary<string, string>>? environment = null)
    {
        File = file;
        _environment = environment ?? SrsEnvironment.Current;
    }

    /// <summary>The SRS configuration file, or null for the environment alone.</summary>
    public string? File { get; }

    /// <summary>What the last load could not map (directives and SRS_* variables), with where they are.</summary>
    public IReadOnlyList<string> NotImplemented { get; private set; } = [];

    /// <summary>How many settings the last load produced.</summary>
    public int MappedCount { get; private set; }

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(this);

    /// <summary>Parses the file (if any) and the environment into settings.</summary>
    public SrsMapping Read()
    {
        var root = File is null ? new SrsDirective("", [], "environment", 0) : SrsConfigParser.ParseFile(File);
        var unknown = SrsEnvironment.Apply(root, _environment());
        var mapping = SrsConfigMapper.Map(root);
        return mapping with { NotImplemented = [.. mapping.NotImplemented, .. unknown] };
    }

    /// <summary>The full path given by the last <c>--srs-config</c>, or null.</summary>
    public static string? Find(IReadOnlyList<string> args)
    {
        string? value = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == OptionName)
            {
                value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{OptionName} needs a file name");
            }
            else if (args[i].StartsWith(OptionName + "=", StringComparison.Ordinal))
            {
                value = args[i][(OptionName.Length + 1)..];
            }
        }
        return string.IsNullOrWhiteSpace(value) ? null : Path.GetFullPath(value);
    }

    /// <summary>Adds the source right after the last JSON file source (so the process environment and
    /// the command line override it) and returns it.</summary>
    public static SrsConfigSource Add(IConfigurationBuilder configuration, IReadOnlyList<string> args)
    {
        var source = new SrsConfigSource(Find(args));
        var sources = configuration.Sources;
        var at = 0;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource)
            {
                at = i + 1;
            }
        }
        sources.Insert(at, source);
        return source;
    }

    /// <summary>Logs what was read and, in one warning line, everything that was not mapped.</summary>
    public void Log(ILogger logger)
    {
        if (File is not null)
        {
            logger.LogInformation("SRS configuration {File}: {Count} settings mapped", File, MappedCount);
        }
        if (NotImplemented.Count > 0)
        {
            logger.LogWarning("SRS configuration {File}: not implemented here, ignored: {Directives}",
                File ?? "(environment)", string.Join("; ", NotImplemented));
        }
    }

    private sealed class Provider(SrsConfigSource source) : ConfigurationProvider
    {
        // A reload that fails (a syntax error) throws and leaves the previous settings in place.
        public override void Load()
        {
            var mapping = source.Read();
            Data = new Dictionary<string, string?>(mapping.Settings, StringComparer.OrdinalIgnoreCase);
            source.NotImplemented = mapping.NotImplemented;
            source.MappedCount = mapping.Settings.Count;
        }
    }
}
