using System.Collections.Concurrent;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>
/// The low-latency HLS streams this gateway publishes, by vhost and playlist path below the HLS root
/// ("live/s.m3u8"): the HLS writer adds a stream for the time of a publish, the HTTP server looks up
/// playlists and, by the "-ll-" in their names, segments and parts ("live/s-ll-7.2.m4s").
/// </summary>
public sealed class LowLatencyHlsStreams
{
    private readonly ConcurrentDictionary<string, LowLatencyHlsStream> _streams = new(StringComparer.Ordinal);

    public int Count => _streams.Count;

    public void Add(string vhost, string playlistPath, LowLatencyHlsStream stream) => _streams[Key(vhost, playlistPath)] = stream;

    public void Remove(string vhost, string playlistPath, LowLatencyHlsStream stream) =>
        _streams.TryRemove(new KeyValuePair<string, LowLatencyHlsStream>(Key(vhost, playlistPath), stream));

    /// <summary>The stream whose playlist a request path names.</summary>
    public LowLatencyHlsStream? Playlist(string vhost, string path) =>
        path.EndsWith(".m3u8", StringComparison.OrdinalIgnoreCase) && _streams.TryGetValue(Key(vhost, path), out var stream) ? stream : null;

    /// <summary>The stream a segment, part or init segment path belongs to, and the resource's name in it.</summary>
    public (LowLatencyHlsStream Stream, string Name)? Resource(string vhost, string path)
    {
        var trimmed = path.Trim('/');
        var slash = trimmed.LastIndexOf('/');
        var name = trimmed[(slash + 1)..];
        var marker = name.LastIndexOf(LowLatencyHlsStream.NameMarker, StringComparison.Ordinal);
        if (marker <= 0)
        {
            return null;
        }
        var playlist = trimmed[..(slash + 1)] + name[..marker] + ".m3u8";
        return _streams.TryGetValue(Key(vhost, playlist), out var stream) ? (stream, name) : null;
    }

    private static string Key(string vhost, string playlistPath) => vhost + "\n" + playlistPath.Trim('/');
}
