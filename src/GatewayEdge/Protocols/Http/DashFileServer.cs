using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;
using OrleansLive.Media.Containers.Dash;

namespace OrleansLive.GatewayEdge.Protocols.Http;

/// <summary>
/// Serves MPEG-DASH files from disk on the HTTP stream server: `GET /{app}/{stream}.mpd` and the
/// init (.mp4) and media (.m4s) segments beside it, below the vhost's dash Path (the vhost from the
/// Host header or `?vhost=`). An MPD that is not there is a 404; a segment that is not below the DASH
/// path is left to the HLS file server (which answers 404 when it has none either), so a segment
/// that left the timeshift window and was deleted is a 404 too.
/// </summary>
public sealed class DashFileServer
{
    private readonly GatewayContext _gateway;
    private readonly ILogger<DashFileServer> _logger;

    public DashFileServer(GatewayContext gateway)
    {
        _gateway = gateway;
        _logger = gateway.Loggers.CreateLogger<DashFileServer>();
    }

    /// <summary>Serves the request if it is for a DASH file; false to let the other handlers have it.</summary>
    public async Task<bool> TryServeAsync(HttpContext context, string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        var contentType = extension switch
        {
            ".mpd" => "application/dash+xml",
            ".m4s" => "video/iso.segment",
            ".mp4" => "video/mp4",
            _ => "",
        };
        if (contentType.Length == 0)
        {
            return false;
        }
        var query = context.Request.QueryString.HasValue ? context.Request.QueryString.Value! : "";
        var vhost = StreamAddress.Resolve(context.Request.Host.Host, "", "file" + query, _gateway.KnownVhosts).Vhost;
        var settings = await SettingsOf(vhost);
        var file = settings.Enabled || extension == ".mpd" ? HlsFileServer.FileBelow(settings.Path, path) : null;
        if (file is null || !File.Exists(file))
        {
            if (extension != ".mpd")
            {
                return false;
            }
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return true;
        }
        context.Response.ContentType = contentType;
        // The MPD and init segments are replaced in place; media segments never change.
        context.Response.Headers.CacheControl = extension == ".m4s" ? "max-age=60" : "no-cache";
        try
        {
            if (extension == ".mpd")
            {
                // The clock players sync to is now; template URLs resolve without the MPD's query, so
                // it (e.g. ?vhost=) is carried over to the segments.
                var mpd = MpdWriter.WithUtcTime(await File.ReadAllTextAsync(file, context.RequestAborted), DateTimeOffset.UtcNow);
                await context.Response.WriteAsync(query.Length > 1 ? WithQuery(mpd, query) : mpd, context.RequestAborted);
            }
            else
            {
                await context.Response.SendFileAsync(file, context.RequestAborted);
            }
        }
        catch (FileNotFoundException)
        {
            // Cleaned up between the check and the read: the MPD no longer lists it.
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            _logger.LogDebug(ex, "DASH file {Path} not fully sent", path);
        }
        return true;
    }

    /// <summary>Appends the query to the SegmentTemplate's media and initialization URLs.</summary>
    internal static string WithQuery(string mpd, string query)
    {
        var escaped = System.Security.SecurityElement.Escape(query[1..]);
        return mpd.Replace(".m4s\"", ".m4s?" + escaped + "\"", StringComparison.Ordinal)
            .Replace("-init.mp4\"", "-init.mp4?" + escaped + "\"", StringComparison.Ordinal);
    }

    /// <summary>The vhost's settings from the gateway's copy of the cluster's configuration (no grain call).</summary>
    private async Task<DashSettings> SettingsOf(string vhost)
    {
        try
        {
            return (await _gateway.Sessions.GetVhostSettingsAsync(vhost)).Dash;
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Vhost settings unavailable for {Vhost}; serving DASH from the default path", vhost);
            return new DashSettings();
        }
    }
}
