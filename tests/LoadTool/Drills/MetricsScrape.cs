using System.Globalization;

namespace OrleansLive.LoadTool.Drills;

/// <summary>The samples of a Prometheus text scrape (/metrics), enough to sum a metric over its labels.</summary>
public sealed class MetricsScrape
{
    private readonly List<(string Name, string Labels, double Value)> _samples = [];

    public MetricsScrape(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var brace = line.IndexOf('{');
            var space = line.LastIndexOf(' ');
            if (space <= 0)
            {
                continue;
            }
            var name = brace > 0 && brace < space ? line[..brace] : line[..space];
            var labels = brace > 0 && brace < space ? line[(brace + 1)..line.LastIndexOf('}', space)] : "";
            if (double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                _samples.Add((name, labels, value));
            }
        }
    }

    /// <summary>The sum of every sample of <paramref name="name"/> whose labels contain <paramref name="label"/> (all when null).</summary>
    public double Sum(string name, string? label = null) =>
        _samples.Where(s => s.Name == name && (label is null || s.Labels.Contains(label, StringComparison.Ordinal))).Sum(s => s.Value);

    /// <summary>The samples of <paramref name="name"/> by the value of one label, e.g. grains by grain_type.</summary>
    public Dictionary<string, int> ByLabel(string name, string label)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        var prefix = label + "=\"";
        foreach (var (sampleName, labels, value) in _samples.Where(s => s.Name == name))
        {
            var at = labels.IndexOf(prefix, StringComparison.Ordinal);
            var key = at < 0 ? "" : labels[(at + prefix.Length)..labels.IndexOf('"', at + prefix.Length)];
            values[key] = values.GetValueOrDefault(key) + (int)value;
        }
        return values;
    }
}
