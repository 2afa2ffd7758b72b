using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Protocols.Http;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Recording.Hls;

/// <summary>
/// Adaptive bitrate over transcode renditions: `GET /{app}/{stream}_abr.m3u8` on the HTTP port is an
/// HLS master playlist listing the stream's own playlist and each transcode engine's rendition
/// ([stream]_[engine]) whose playlist is on disk, with BANDWIDTH and AVERAGE-BANDWIDTH measured from
/// the segments the playlist lists, RESOLUTION and CODECS from the rendition's sequence headers (or the
/// engine's configured size when the stream is not on this gateway). Renditions keep the source's
/// keyframes and timestamps, so a player switches between them at segment boundaries. A file of that
/// name on disk (a stream really named "x_abr") is served as it is.
/// </summary>
public sealed class HlsAbrRoutes(GatewayContext gateway, GatewayEndpoints endpoints) : IHttpPortRoutes
{
    public const string Suffix = "_abr";

    private readonly HlsFileServer _files = new(gateway);
    private readonly AbrRenditions _renditions = new(gateway, endpoints);
    private readonly ILogger _logger = gateway.Loggers.CreateLogger<HlsAbrRoutes>();

    public void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/{app}/{stream}" + Suffix + ".m3u8", (HttpContext context, string app, string stream) => ServeAsync(context, app, stream));

    private async Task ServeAsync(HttpContext context, string app, string stream)
    {
        var path = $"{app}/{stream}{Suffix}.m3u8";
        var query = context.Request.QueryString.HasValue ? context.Request.QueryString.Value! : "";
        var vhost = StreamAddress.Resolve(context.Request.Host.Host, "", "file" + query, gateway.KnownVhosts).Vhost;
        VhostSettings settings;
        try
        {
            settings = await gateway.Sessions.GetVhostSettingsAsync(vhost);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Vhost settings unavailable for {Vhost}; no master playlist", vhost);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        var master = HlsFileServer.FileBelow(settings.Hls.Path, path);
        if (master is null || File.Exists(master) || settings.Transcode is not { } transcode || !settings.Hls.Enabled)
        {
            await _files.TryServeAsync(context, path);
            return;
        }
        var variants = Variants(settings, transcode, new StreamAddress(vhost, app, stream, ""), Path.GetDirectoryName(master)!);
        if (variants.Count == 0)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var text = HlsMasterPlaylist.Build(variants);
        context.Response.ContentType = "application/vnd.apple.mpegurl";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.WriteAsync(query.Length > 1 ? HlsFileServer.WithQuery(text, query) : text, context.RequestAborted);
    }

    /// <summary>The source's variant and each rendition's whose playlist has segments; a rendition whose
    /// playlist ended while the source's goes on (its engine is down) is left out.</summary>
    private List<HlsVariant> Variants(VhostSettings settings, TranscodeSettings transcode, StreamAddress source, string masterDirectory)
    {
        var variants = new List<HlsVariant>();
        var sourceEnded = false;
        foreach (var rendition in _renditions.Of(transcode, source))
        {
            var address = rendition.Address;
            var playlist = Path.GetFullPath(HlsSegmenter.PlaylistPath(settings.Hls, address.Vhost, address.App, address.Stream, DateTimeOffset.Now));
            string text;
            try
            {
                text = File.ReadAllText(playlist);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            var ended = text.Contains("#EXT-X-ENDLIST", StringComparison.Ordinal);
            if (rendition.Engine is null)
            {
                sourceEnded = ended;
            }
            else if (ended && !sourceEnded)
            {
                continue;
            }
            var directory = Path.GetDirectoryName(playlist)!;
            var (peak, average) = HlsMasterPlaylist.Bitrates(HlsMasterPlaylist.Segments(text)
                .Select(s => (s.Duration, AbrRenditions.SizeOf(directory, WithoutPrefix(s.Uri, settings.Hls.EntryPrefix)))));
            if (peak == 0)
            {
                continue;
            }
            var (width, height, video, audio) = _renditions.Describe(rendition);
            var uri = Path.GetRelativePath(masterDirectory, playlist).Replace(Path.DirectorySeparatorChar, '/');
            variants.Add(new HlsVariant(uri, peak, average, width, height, HlsMasterPlaylist.Codecs(video, audio)));
        }
        return variants;
    }

    private static string WithoutPrefix(string uri, string prefix) =>
        prefix.Length > 0 && uri.StartsWith(prefix, StringComparison.Ordinal) ? uri[prefix.Length..] : uri;
}
