using System.Collections.Concurrent;

namespace OrleansLive.Grains.Config;

/// <summary>
/// Configuration files that failed to parse on their last reload. The host's file sources report
/// here (and keep their previous values); a vhost reload is refused while any file is broken, so a
/// half-written or mistyped appsettings.json never replaces working settings.
/// </summary>
public sealed class ConfigFileHealth
{
    private readonly ConcurrentDictionary<string, string> _errors = new(StringComparer.Ordinal);

    public void Report(string file, string error) => _errors[file] = error;

    public void Clear(string file) => _errors.TryRemove(file, out _);

    public IReadOnlyList<string> Errors => _errors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {e.Value}").ToList();
}
