using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Protocols.Http;
using OrleansLive.GatewayEdge.Recording.Hls;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;
using OrleansLive.Media.Containers.Dash;

namespace OrleansLive.GatewayEdge.Recording.Dash;

/// <summary>
/// Adaptive bitrate over transcode renditions in MPEG-DASH: `GET /{app}/{stream}_abr.mpd` on the HTTP
/// port is one dynamic MPD whose video adaptation set holds the stream's own video and each transcode
/// engine's rendition ([stream]_[engine]) whose MPD is on disk with segments, each representation with
/// the SegmentTemplate and SegmentTimeline of its own MPD (see <see cref="AbrMpd"/>), and the stream's
/// audio. bandwidth is the peak segment bitrate of the listed segment files, as in the HLS master
/// playlist; width, height and codecs come from the streams' sequence headers. A file of that name on
/// disk (a stream really named "x_abr") is served as it is.
/// </summary>
public sealed class DashAbrRoutes(GatewayContext gateway, GatewayEndpoints endpoints) : IHttpPortRoutes
{
    private readonly DashFileServer _files = new(gateway);
    private readonly AbrRenditions _renditions = new(gateway, endpoints);
    private readonly ILogger _logger = gateway.Loggers.CreateLogger<DashAbrRoutes>();

    public void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/{app}/{stream}" + HlsAbrRoutes.Suffix + ".mpd", (HttpContext context, string app, string stream) => ServeAsync(context, app, stream));

    private async Task ServeAsync(HttpContext context, string app, string stream)
    {
        var path = $"{app}/{stream}{HlsAbrRoutes.Suffix}.mpd";
        var query = context.Request.QueryString.HasValue ? context.Request.QueryString.Value! : "";
        var vhost = StreamAddress.Resolve(context.Request.Host.Host, "", "file" + query, gateway.KnownVhosts).Vhost;
        VhostSettings settings;
        try
        {
            settings = await gateway.Sessions.GetVhostSettingsAsync(vhost);
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Vhost settings unavailable for {Vhost}; no adaptive MPD", vhost);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        var combined = HlsFileServer.FileBelow(settings.Dash.Path, path);
        if (combined is null || File.Exists(combined) || settings.Transcode is not { } transcode || !settings.Dash.Enabled)
        {
            await _files.TryServeAsync(context, path);
            return;
        }
        var variants = Variants(settings.Dash, transcode, new StreamAddress(vhost, app, stream, ""), Path.GetDirectoryName(combined)!);
        if (variants.Count == 0 || AbrMpd.Combine(variants) is not { } manifest)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var mpd = MpdWriter.WithUtcTime(MpdWriter.Write(manifest), DateTimeOffset.UtcNow);
        context.Response.ContentType = "application/dash+xml";
        context.Response.Headers.CacheControl = "no-cache";
        // Template URLs resolve without the MPD's query, so it (e.g. ?vhost=) is carried over to the segments.
        await context.Response.WriteAsync(query.Length > 1 ? DashFileServer.WithQuery(mpd, query) : mpd, context.RequestAborted);
    }

    /// <summary>The source's variant (if its MPD has video) and each rendition's whose MPD has segments
    /// and keeps up with the source's.</summary>
    private List<MpdVariant> Variants(DashSettings dash, TranscodeSettings transcode, StreamAddress source, string combinedDirectory)
    {
        var variants = new List<MpdVariant>();
        MpdManifest? sourceManifest = null;
        foreach (var rendition in _renditions.Of(transcode, source))
        {
            var address = rendition.Address;
            var file = Path.GetFullPath(DashSegmenter.MpdPath(dash, address.Vhost, address.App, address.Stream, DateTimeOffset.Now));
            MpdManifest? manifest;
            try
            {
                manifest = MpdReader.TryRead(File.ReadAllText(file));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                manifest = null;
            }
            if (rendition.Engine is null)
            {
                if (manifest is null)
                {
                    return variants;
                }
                sourceManifest = manifest;
            }
            else if (manifest is null || sourceManifest is null || AbrMpd.IsBehind(sourceManifest, manifest))
            {
                continue;
            }
            if (manifest.Representations.FirstOrDefault(r => r.IsVideo && r.Segments.Count > 0) is not { } video)
            {
                continue;
            }
            var directory = Path.GetDirectoryName(file)!;
            var (peak, _) = HlsMasterPlaylist.Bitrates(video.Segments.Select(s =>
                ((double)s.Duration / Math.Max(1u, video.Timescale), AbrRenditions.SizeOf(directory, AbrMpd.Resolve(video.Media, video.Id, s.Number)))));
            var relative = Path.GetRelativePath(combinedDirectory, directory).Replace(Path.DirectorySeparatorChar, '/');
            var (width, height, codecs, _) = _renditions.Describe(rendition);
            var id = rendition.Engine is null ? "video" : "video" + address.Stream[Math.Min(source.Stream.Length, address.Stream.Length)..];
            variants.Add(new MpdVariant(id, relative == "." ? "" : relative + "/", manifest)
            {
                Bandwidth = peak,
                Width = width,
                Height = height,
                Codecs = codecs ?? "",
            });
        }
        return variants;
    }
}
