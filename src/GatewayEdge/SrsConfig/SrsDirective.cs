namespace OrleansLive.GatewayEdge.SrsConfig;

/// <summary>One directive of an SRS configuration: <c>name args;</c> or <c>name args { children }</c>,
/// with where it was written (file and line, or "env SRS_..." for one taken from the environment).</summary>
public sealed class SrsDirective(string name, IReadOnlyList<string> args, string source, int line)
{
    public string Name { get; } = name;

    public IReadOnlyList<string> Args { get; set; } = args;

    public List<SrsDirective> Children { get; } = [];

    /// <summary>The file it came from, or "env NAME".</summary>
    public string Source { get; } = source;

    public int Line { get; } = line;

    public string Arg0 => Args.Count > 0 ? Args[0] : "";

    public string Where => Line > 0 ? $"{Source}:{Line}" : Source;

    public SrsDirective? Child(string name) => Children.LastOrDefault(c => c.Name == name);

    public override string ToString() => Args.Count == 0 ? Name : $"{Name} {string.Join(' ', Args)}";
}

/// <summary>A configuration that cannot be read, with the file and line of the problem.</summary>
public sealed class SrsConfigException(string message) : Exception(message);
