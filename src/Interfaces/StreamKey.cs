namespace OrleansLive.Interfaces;

/// <summary>Names a live stream the way SRS does: vhost, app and stream name.</summary>
public static class StreamKey
{
    public const string DefaultVhost = "__defaultVhost__";

    /// <summary>The grain key of a stream: "vhost/app/stream".</summary>
    public static string Of(string vhost, string app, string stream) => $"{vhost}/{app}/{stream}";

    /// <summary>Splits a key made by <see cref="Of"/>. The app may itself contain slashes; the stream may not.</summary>
    public static (string Vhost, string App, string Stream) Parse(string key)
    {
        var first = key.IndexOf('/');
        var last = key.LastIndexOf('/');
        if (first < 0 || last == first)
        {
            throw new FormatException($"Not a stream key: '{key}'");
        }
        return (key[..first], key[(first + 1)..last], key[(last + 1)..]);
    }

    /// <summary>SRS's stream url: "/app/stream", prefixed by the vhost unless it is the default one.</summary>
    public static string Url(string vhost, string app, string stream) =>
        vhost == DefaultVhost ? $"/{app}/{stream}" : $"{vhost}/{app}/{stream}";
}
