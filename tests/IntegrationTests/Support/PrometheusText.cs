using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>A strict reader of the Prometheus text format (0.0.4): "# TYPE" lines, and samples
/// "name{label="value",...} number". Anything else fails the parse.</summary>
public sealed partial class PrometheusText
{
    private PrometheusText(Dictionary<string, string> types, List<Sample> samples) => (Types, Samples) = (types, samples);

    /// <summary>Metric family name to type (counter, gauge, histogram, summary, untyped).</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyList<Sample> Samples { get; }

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public static PrometheusText Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                continue;
            }
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line[7..].Split(' ');
                Assert.True(parts.Length == 2 && NameRegex().IsMatch(parts[0]) && parts[1] is "counter" or "gauge" or "histogram" or "summary" or "untyped", $"bad TYPE line: {line}");
                types[parts[0]] = parts[1];
                continue;
            }
            var match = SampleRegex().Match(line);
            Assert.True(match.Success, $"bad sample line: {line}");
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match label in LabelRegex().Matches(match.Groups["labels"].Value))
            {
                labels[label.Groups["k"].Value] = Regex.Unescape(label.Groups["v"].Value);
            }
            var value = match.Groups["value"].Value switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            samples.Add(new Sample(match.Groups["name"].Value, labels, value));
        }
        return new PrometheusText(types, samples);
    }

    /// <summary>The sum of a metric's samples whose labels include <paramref name="labels"/>; null when it has none.</summary>
    public double? Sum(string name, params (string Key, string Value)[] labels)
    {
        var matching = Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
        return matching.Count == 0 ? null : matching.Sum(s => s.Value);
    }

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex NameRegex();

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*)\})? (?<value>[-+0-9.eE]+|\+Inf|-Inf|NaN)( -?[0-9]+)?$""")]
    private static partial Regex SampleRegex();

    [GeneratedRegex("(?<k>[a-zA-Z_][a-zA-Z0-9_]*)=\"(?<v>([^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex LabelRegex();
}
