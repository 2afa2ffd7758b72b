using Microsoft.AspNetCore.Http;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.GatewayEdge.Protocols.Http;

/// <summary>
/// `GET /{app}/{stream}.jpg` (the vhost from the Host header or `?vhost=`): the latest snapshot of a
/// stream published on this gateway, from memory. A 404 while the stream is not published here or has
/// no snapshot yet (snapshots off, no keyframe decoded so far).
/// </summary>
public sealed class SnapshotServer(GatewayContext gateway)
{
    /// <summary>Serves the request if it is for a snapshot; false to let the other handlers have it.</summary>
    public async Task<bool> TryServeAsync(HttpContext context, string path)
    {
        if (!path.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var picture = HttpFlvHandler.TryParsePath(path, out var app, out var stream, out _) ? Find(context, app, stream) : null;
        if (picture is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return true;
        }
        context.Response.ContentType = "image/jpeg";
        context.Response.ContentLength = picture.Jpeg.Length;
        // Replaced every interval: a browser re-asks instead of showing an old picture.
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.LastModified = picture.TakenUtc.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            await context.Response.Body.WriteAsync(picture.Jpeg, context.RequestAborted);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // The client went away.
        }
        return true;
    }

    private SnapshotPicture? Find(HttpContext context, string app, string stream)
    {
        var query = context.Request.QueryString.HasValue ? context.Request.QueryString.Value! : "";
        var address = StreamAddress.Resolve(context.Request.Host.Host, app, stream + query, gateway.KnownVhosts);
        return gateway.Hubs.Find(address.Key) is { PublisherClientId: not null } hub ? hub.Snapshot : null;
    }
}
