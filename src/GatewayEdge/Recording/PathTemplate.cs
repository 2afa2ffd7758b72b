using System.Globalization;
using System.Text;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.GatewayEdge.Recording;

/// <summary>
/// SRS's path templates for HLS and DVR files: [vhost] [app] [stream], [seq] (segment number),
/// [duration] (segment length in whole ms), [timestamp] (unix ms), and Go-style time parts [2006]
/// year, [01] month, [02] day, [15] hour, [04] minute, [05] second, [999] milliseconds, in local
/// time like SRS with utc_time off. Unknown bracketed words stay as they are.
/// </summary>
public static class PathTemplate
{
    public static string Expand(string template, PathVariables vars)
    {
        if (!template.Contains('['))
        {
            return template;
        }
        var local = vars.Time.ToLocalTime();
        var result = new StringBuilder(template.Length + 32);
        var i = 0;
        while (i < template.Length)
        {
            var open = template.IndexOf('[', i);
            var close = open < 0 ? -1 : template.IndexOf(']', open + 1);
            if (close < 0)
            {
                result.Append(template, i, template.Length - i);
                break;
            }
            result.Append(template, i, open - i);
            var name = template.AsSpan(open + 1, close - open - 1);
            var value = name switch
            {
                "vhost" => vars.Vhost,
                "app" => vars.App,
                "stream" => vars.Stream,
                "seq" => vars.Sequence?.ToString(CultureInfo.InvariantCulture),
                "duration" => vars.DurationMs?.ToString(CultureInfo.InvariantCulture),
                "timestamp" => vars.Time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                "2006" => local.Year.ToString("D4", CultureInfo.InvariantCulture),
                "01" => local.Month.ToString("D2", CultureInfo.InvariantCulture),
                "02" => local.Day.ToString("D2", CultureInfo.InvariantCulture),
                "15" => local.Hour.ToString("D2", CultureInfo.InvariantCulture),
                "04" => local.Minute.ToString("D2", CultureInfo.InvariantCulture),
                "05" => local.Second.ToString("D2", CultureInfo.InvariantCulture),
                "999" => local.Millisecond.ToString("D3", CultureInfo.InvariantCulture),
                _ => null,
            };
            if (value is null)
            {
                result.Append(template, open, close - open + 1);
            }
            else
            {
                result.Append(value);
            }
            i = close + 1;
        }
        return result.ToString();
    }

    /// <summary>Joins a root directory and a relative template result with '/', as SRS does.</summary>
    public static string Join(string root, string relative)
    {
        if (root.Length == 0 || Path.IsPathRooted(relative))
        {
            return relative;
        }
        return root.TrimEnd('/', '\\') + "/" + relative.TrimStart('/', '\\');
    }

    /// <summary>The DVR path rule: a path not ending in .flv or .mp4 is a directory, to which
    /// "/[stream].[timestamp].flv" is appended.</summary>
    public static string DvrFileTemplate(string dvrPath)
    {
        if (dvrPath.EndsWith(".flv", StringComparison.OrdinalIgnoreCase) || dvrPath.EndsWith(".mp4", StringComparison.OrdinalIgnoreCase))
        {
            return dvrPath;
        }
        return Join(dvrPath, "[stream].[timestamp].flv");
    }
}

/// <summary>Values for <see cref="PathTemplate.Expand"/>; null sequence or duration leaves the word as is.</summary>
public sealed record PathVariables(string Vhost, string App, string Stream, DateTimeOffset Time, long? Sequence = null, long? DurationMs = null);
