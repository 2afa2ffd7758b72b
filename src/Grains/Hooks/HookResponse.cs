using System.Text.Json;

namespace OrleansLive.Grains.Hooks;

/// <summary>
/// SRS's verdict on a hook's HTTP answer: allow only for status 200 or 201 with a body that is the
/// number 0 or a JSON object whose "code" is the integer 0. Anything else refuses (on_connect,
/// on_publish, on_play) or is only logged (the notification events). Unlike SRS, whitespace around
/// the body is ignored, so "0\n" from a shell script allows too.
/// </summary>
public static class HookResponse
{
    public static bool IsAllow(int statusCode, string? body, out string reason)
    {
        if (statusCode is not (200 or 201))
        {
            reason = $"HTTP status {statusCode}";
            return false;
        }
        var text = body?.Trim() ?? "";
        if (text.Length == 0)
        {
            reason = "empty body";
            return false;
        }
        if (text == "0")
        {
            reason = "";
            return true;
        }
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                reason = $"body is neither 0 nor an object: {Shorten(text)}";
                return false;
            }
            if (!root.TryGetProperty("code", out var code) || !TryGetInteger(code, out var value))
            {
                reason = $"no integer code in {Shorten(text)}";
                return false;
            }
            if (value != 0)
            {
                reason = $"code {value}";
                return false;
            }
            reason = "";
            return true;
        }
        catch (JsonException)
        {
            reason = $"not JSON: {Shorten(text)}";
            return false;
        }
    }

    /// <summary>A JSON number written as an integer: 0 is, 0.0 and 0e0 are not (as SRS's parser sees them).</summary>
    private static bool TryGetInteger(JsonElement element, out long value)
    {
        value = 0;
        if (element.ValueKind != JsonValueKind.Number)
        {
            return false;
        }
        var raw = element.GetRawText();
        return raw.IndexOfAny(['.', 'e', 'E']) < 0 && element.TryGetInt64(out value);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
