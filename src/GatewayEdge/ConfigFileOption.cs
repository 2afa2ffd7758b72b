using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace OrleansLive.GatewayEdge;

/// <summary>
/// <c>--config FILE</c> (or <c>--config=FILE</c>): the JSON settings file to load and watch instead
/// of the copy beside the binary, so edits of the file the user keeps (src/Silo/appsettings.json
/// under <c>dotnet run</c>) reload without a restart. The last one given wins; a relative path is
/// relative to the working directory.
/// </summary>
public static class ConfigFileOption
{
    public const string Name = "--config";

    /// <summary>The full path given by the last <c>--config</c>, or null.</summary>
    public static string? Find(IReadOnlyList<string> args)
    {
        string? value = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == Name)
            {
                value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{Name} needs a file name");
            }
            else if (args[i].StartsWith(Name + "=", StringComparison.Ordinal))
            {
                value = args[i][(Name.Length + 1)..];
            }
        }
        return string.IsNullOrWhiteSpace(value) ? null : Path.GetFullPath(value);
    }

    /// <summary>Replaces the JSON source named <paramref name="defaultFile"/> (added relative to the
    /// content root) with the <c>--config</c> file, required and reloaded on change. Returns the
    /// file in use: the <c>--config</c> file, or null when none was given.</summary>
    public static string? Apply(IConfigurationBuilder configuration, IReadOnlyList<string> args, string defaultFile)
    {
        if (Find(args) is not { } file)
        {
            return null;
        }
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"{Name}: {file} does not exist", file);
        }
        var replacement = new JsonConfigurationSource { Path = file, Optional = false, ReloadOnChange = true };
        // An absolute path: a file provider rooted at its directory, as AddJsonFile would make.
        replacement.ResolveFileProvider();
        var sources = configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource json && string.Equals(json.Path, defaultFile, StringComparison.OrdinalIgnoreCase))
            {
                // In its place: environment variables and the command line still override it.
                sources[i] = replacement;
                return file;
            }
        }
        throw new InvalidOperationException($"No {defaultFile} source to replace with {file}");
    }
}
