using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.GatewayEdge.Protocols.Http;

/// <summary>
/// Serves Low-Latency HLS from memory on the HTTP stream server, for the streams this gateway
/// publishes with `Hls:LowLatency`: `GET /{app}/{stream}.m3u8` with the blocking-reload and delta-update
/// directives (`_HLS_msn`, `_HLS_part`, `_HLS_skip`), and its init segments, segments and parts
/// ("-ll-" in their names), a preload-hinted part held until it is written. Anything else (and every
/// path of a stream not published here) is left to the file servers.
/// </summary>
public sealed class LowLatencyHlsServer(GatewayContext gateway, LowLatencyHlsStreams streams)
{
    private readonly ILogger _logger = gateway.Loggers.CreateLogger<LowLatencyHlsServer>();

    public async Task<bool> TryServeAsync(HttpContext context, string path)
    {
        if (streams.Count == 0)
        {
            return false;
        }
        var request = context.Request;
        var query = request.QueryString.HasValue ? request.QueryString.Value! : "";
        var vhost = StreamAddress.Resolve(request.Host.Host, "", "file" + query, gateway.KnownVhosts).Vhost;
        try
        {
            if (streams.Playlist(vhost, path) is { } playlist)
            {
                await ServePlaylistAsync(context, playlist);
                return true;
            }
            if (streams.Resource(vhost, path) is { } resource)
            {
                var (answer, bytes) = await resource.Stream.ResourceAsync(resource.Name, context.RequestAborted);
                if (bytes is null)
                {
                    Refuse(context, answer);
                    return true;
                }
                context.Response.ContentType = resource.Name.EndsWith(".mp4", StringComparison.Ordinal) ? "video/mp4" : "video/iso.segment";
                context.Response.Headers.CacheControl = "max-age=60";
                context.Response.ContentLength = bytes.Length;
                await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
                return true;
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return true;
        }
        catch (IOException ex)
        {
            _logger.LogDebug(ex, "Low-latency HLS {Path} not fully sent", path);
            return true;
        }
        return false;
    }

    private static async Task ServePlaylistAsync(HttpContext context, LowLatencyHlsStream playlist)
    {
        var query = context.Request.Query;
        long? sequence = null;
        int? part = null;
        if (query.TryGetValue("_HLS_msn", out var msnText))
        {
            if (!long.TryParse(msnText, NumberStyles.None, CultureInfo.InvariantCulture, out var msn))
            {
                Refuse(context, LowLatencyAnswer.BadRequest);
                return;
            }
            sequence = msn;
        }
        if (query.TryGetValue("_HLS_part", out var partText))
        {
            if (!int.TryParse(partText, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                Refuse(context, LowLatencyAnswer.BadRequest);
                return;
            }
            part = index;
        }
        var skip = query.TryGetValue("_HLS_skip", out var skipText) && skipText == "YES";
        var (answer, text) = await playlist.PlaylistAsync(sequence, part, skip, CarriedQuery(context.Request.QueryString), context.RequestAborted);
        if (text is null)
        {
            Refuse(context, answer);
            return;
        }
        context.Response.ContentType = "application/vnd.apple.mpegurl";
        // A blocking reload names one playlist version, which a cache may keep; a plain request is the live edge.
        context.Response.Headers.CacheControl = sequence is null ? "no-cache" : "max-age=" + (int)Math.Ceiling(playlist.HoldTimeout.TotalSeconds * 2);
        await context.Response.WriteAsync(text, context.RequestAborted);
    }

    /// <summary>The request's query without the `_HLS_` directives, for the playlist's URIs (relative URIs
    /// resolve without the playlist's query, so ?vhost= would be lost).</summary>
    internal static string CarriedQuery(QueryString queryString)
    {
        if (!queryString.HasValue)
        {
            return "";
        }
        var kept = queryString.Value!.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("_HLS_", StringComparison.Ordinal)).ToList();
        return kept.Count == 0 ? "" : "?" + string.Join('&', kept);
    }

    private static void Refuse(HttpContext context, LowLatencyAnswer answer)
    {
        context.Response.StatusCode = answer switch
        {
            LowLatencyAnswer.BadRequest => StatusCodes.Status400BadRequest,
            LowLatencyAnswer.Unavailable => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status404NotFound,
        };
        if (answer == LowLatencyAnswer.Unavailable)
        {
            context.Response.Headers.RetryAfter = "1";
        }
    }
}
