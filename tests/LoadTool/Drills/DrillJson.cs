using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansLive.LoadTool.Drills;

/// <summary>How drills write their results: indented camelCase, tuples' fields included, enums by name.</summary>
public static class DrillJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        IncludeFields = true,
        Converters = { new JsonStringEnumConverter() },
    };
}
