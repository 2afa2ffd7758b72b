using OrleansLive.GatewayEdge.Processes;
using OrleansLive.GatewayEdge.Protocols.Http;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Recording;

/// <summary>A variant of adaptive bitrate: the source stream (Engine null) or a transcode engine's output stream.</summary>
public readonly record struct AbrRendition(StreamAddress Address, TranscodeEngineSettings? Engine);

/// <summary>What a variant's video is: picture size (0 when unknown or audio only) and RFC 6381 codecs (null when unknown).</summary>
public readonly record struct AbrDescription(int Width, int Height, string? VideoCodecs, string? AudioCodecs);

/// <summary>
/// The variants the adaptive bitrate routes (HLS master playlist, DASH MPD) offer for a stream: the
/// source and each transcode engine's rendition ([stream]_[engine]) in the same vhost, and what each
/// holds, from its sequence headers on this gateway or else the engine's configured size.
/// </summary>
public sealed class AbrRenditions(GatewayContext gateway, GatewayEndpoints endpoints)
{
    /// <summary>The source (engine null) first, then each engine's output stream of the same vhost.</summary>
    public IEnumerable<AbrRendition> Of(TranscodeSettings transcode, StreamAddress source)
    {
        yield return new AbrRendition(source, null);
        if (!TranscodeCommand.Applies(transcode, source.App, source.Stream))
        {
            yield break;
        }
        foreach (var engine in transcode.Engines)
        {
            if (TranscodeCommand.OutputStream(engine, source, endpoints.RtmpPort, gateway.KnownVhosts) is { } output && output.Vhost == source.Vhost)
            {
                yield return new AbrRendition(output, engine);
            }
        }
    }

    /// <summary>Size and codecs from the stream's sequence headers on this gateway, else the engine's configured size.</summary>
    public AbrDescription Describe(AbrRendition rendition)
    {
        if (gateway.Hubs.Find(rendition.Address.Key) is { } hub)
        {
            var (video, audio) = hub.Tracks();
            if (video is not null || audio is not null)
            {
                return new AbrDescription(video?.Width ?? 0, video?.Height ?? 0, video?.CodecString, audio?.CodecString);
            }
        }
        return rendition.Engine is { VideoCodec: not ("vn" or "copy"), Width: > 0, Height: > 0 } engine
            ? new AbrDescription(engine.Width, engine.Height, null, null)
            : default;
    }

    /// <summary>The size of a file a segment URI (relative to <paramref name="directory"/>) names; 0 if none.</summary>
    public static long SizeOf(string directory, string uri)
    {
        var relative = uri.Split('?')[0];
        if (relative.Contains("://", StringComparison.Ordinal))
        {
            return 0;
        }
        try
        {
            var file = new FileInfo(Path.Combine(directory, relative));
            return file.Exists ? file.Length : 0;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
