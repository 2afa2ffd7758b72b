using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Protocols.Http;

/// <summary>
/// Serves HLS files from disk on the HTTP stream server: `GET /{app}/{stream}.m3u8`, its segments
/// (.ts, .m4s) and fMP4 init segments (.mp4), looked up below the vhost's hls Path (the vhost comes
/// from the Host header or `?vhost=`, as for live streams). Each gateway serves what is on its disk:
/// the files it writes itself, or those of every gateway when hls Path is a shared disk. A .ts path
/// with no file behind it is left to the live HTTP-TS stream.
/// </summary>
public sealed class HlsFileServer
{
    private readonly GatewayContext _gateway;
    private readonly ILogger<HlsFileServer> _logger;

    public HlsFileServer(GatewayContext gateway)
    {
        _gateway = gateway;
        _logger = gateway.Loggers.CreateLogger<HlsFileServer>();
    }

    /// <summary>Serves the request if it is for an HLS file; false to let the live handlers have it.</summary>
    public async Task<bool> TryServeAsync(HttpContext context, string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        var (contentType, always) = extension switch
        {
            ".m3u8" => ("application/vnd.apple.mpegurl", true),
            ".m4s" => ("video/iso.segment", true),
            ".mp4" => ("video/mp4", true),
            ".ts" => ("video/MP2T", false),
            _ => ("", false),
        };
        if (contentType.Length == 0)
        {
            return false;
        }
        var query = context.Request.QueryString.HasValue ? context.Request.QueryString.Value! : "";
        var vhost = StreamAddress.Resolve(context.Request.Host.Host, "", "file" + query, _gateway.KnownVhosts).Vhost;
        var file = await ResolveAsync(vhost, path);
        if (file is null || !File.Exists(file))
        {
            if (always)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
            return always;
        }
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = extension == ".m3u8" ? "no-cache" : "max-age=60";
        try
        {
            if (extension == ".m3u8" && query.Length > 1)
            {
                // Relative URIs resolve without the query: carry it (e.g. ?vhost=) over to segments and maps.
                await context.Response.WriteAsync(WithQuery(await File.ReadAllTextAsync(file, context.RequestAborted), query), context.RequestAborted);
            }
            else
            {
                await context.Response.SendFileAsync(file, context.RequestAborted);
            }
        }
        catch (FileNotFoundException)
        {
            // Cleaned up between the check and the read: the playlist no longer lists it.
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            _logger.LogDebug(ex, "HLS file {Path} not fully sent", path);
        }
        return true;
    }

    /// <summary>Appends the query to each URI of a playlist: segment lines and EXT-X-MAP's URI.</summary>
    internal static string WithQuery(string playlist, string query)
    {
        var lines = playlist.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length > 0 && line[0] != '#')
            {
                lines[i] = line + (line.Contains('?') ? "&" + query[1..] : query);
            }
            else if (line.StartsWith("#EXT-X-MAP:URI=\"", StringComparison.Ordinal) && line.EndsWith('"'))
            {
                var uri = line[16..^1];
                lines[i] = $"#EXT-X-MAP:URI=\"{uri}{(uri.Contains('?') ? "&" + query[1..] : query)}\"";
            }
        }
        return string.Join('\n', lines);
    }

    /// <summary>The file below the vhost's HLS directory; null for paths that would leave it.</summary>
    private async Task<string?> ResolveAsync(string vhost, string path) => FileBelow((await SettingsOf(vhost)).Path, path);

    /// <summary>The file a request path names below <paramref name="directory"/>; null for paths that would leave it.</summary>
    internal static string? FileBelow(string directory, string path)
    {
        var root = Path.GetFullPath(directory);
        var relative = path.Trim('/');
        // A NUL (from %00) is no file name: Path would throw on it.
        if (relative.Length == 0 || relative.Contains('\0') || relative.Split('/').Any(part => part is ".." or "."))
        {
            return null;
        }
        var file = Path.GetFullPath(Path.Combine(root, relative));
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return file.StartsWith(prefix, StringComparison.Ordinal) ? file : null;
    }

    /// <summary>The vhost's settings from the gateway's copy of the cluster's configuration (no grain call).</summary>
    private async Task<HlsSettings> SettingsOf(string vhost)
    {
        try
        {
            return (await _gateway.Sessions.GetVhostSettingsAsync(vhost)).Hls;
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Vhost settings unavailable for {Vhost}; serving HLS from the default path", vhost);
            return new HlsSettings();
        }
    }
}
