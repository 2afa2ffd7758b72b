using System.Text;
using OrleansLive.GatewayEdge.Protocols.Http;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Protocols.Srt;
using OrleansLive.GatewayEdge.Protocols.WebRtc;
using OrleansLive.GatewayEdge.SrsConfig;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.UnitTests.Fuzz;

/// <summary>Text targets: what we make of request paths, queries, hosts, stream ids, URLs and the SRS configuration.</summary>
internal static partial class FuzzTargets
{
    private const string HlsRoot = "/srv/hls-fuzz";

    private const string Playlist = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:2.0,\nlive-1.m4s\n#EXTINF:2.0,\nlive-2.m4s?x=1\n";

    private static FuzzTarget HttpRequest => new()
    {
        Name = "HttpRequest",
        Summary = "HTTP request heads (ffmpeg and curl captures: FLV, HLS, TS, WHIP, SRS API; flv.js-style and path traversal heads); Kestrel parses the head, "
            + "we parse its target and Host: live stream paths (HttpFlvHandler.TryParsePath), vhost/app/stream/query "
            + "(StreamAddress), HLS file paths kept below their directory (HlsFileServer.FileBelow) and playlist "
            + "queries, webrtc:// stream URLs and hook params (RtcSignalling), rtmp:// URLs and tcUrl hosts",
        MaxAllocatedBytes = 1L << 20,
        BoundedInputs = 100_000,
        MinAccepted = 50_000,
        Start = () => (data, random) =>
        {
            var head = Encoding.Latin1.GetString(data);
            var lines = head.Split("\r\n");
            var requestLine = lines[0].Split(' ');
            if (requestLine.Length < 2)
            {
                return false;
            }
            var target = requestLine[1];
            var host = lines.Skip(1).FirstOrDefault(l => l.StartsWith("Host:", StringComparison.OrdinalIgnoreCase))?[5..].Trim() ?? "";
            var q = target.IndexOf('?');
            var query = q < 0 ? "" : target[q..];
            // Kestrel hands the route the percent-decoded path.
            var path = Uri.UnescapeDataString(q < 0 ? target : target[..q]).TrimStart('/');
            var hostName = StreamAddress.HostOf("http://" + host);
            var accepted = false;
            if (HttpFlvHandler.TryParsePath(path, out var app, out var stream, out _))
            {
                var address = StreamAddress.Resolve(hostName, app, stream + query, KnownVhosts);
                FuzzInvariantException.Check(address.Key.Length > 0, "a stream address without a key");
                accepted = true;
            }
            _ = StreamAddress.Resolve(hostName, "", "file" + query, KnownVhosts).Vhost;
            if (HlsFileServer.FileBelow(HlsRoot, path) is { } file)
            {
                FuzzInvariantException.Check(file.StartsWith(HlsRoot + "/", StringComparison.Ordinal), $"HLS path '{path}' resolved outside its directory: {file}");
                accepted = true;
            }
            if (query.Length > 1)
            {
                _ = HlsFileServer.WithQuery(Playlist, query);
            }
            _ = RtcSignalling.ParamOf(query, "token");
            accepted |= RtcSignalling.TryParseStreamUrl("webrtc://" + host + target, out _, out _, out _, out _);
            accepted |= RtmpUrl.TryParse("rtmp://" + host + target, out _);
            return accepted;
        },
    };

    private static FuzzTarget SrtStreamId => new()
    {
        Name = "SrtStreamId",
        Summary = "SRT stream ids as libsrt hands them over (SRS's #!::r=...,m=publish, #!::h=..., plain app/stream?query): "
            + "SrtStreamId.TryParse and the stream address it resolves to",
        MaxAllocatedBytes = 256 << 10,
        BoundedInputs = 200_000,
        MinAccepted = 50_000,
        Mutate = (random, seed) => Mutations.Mutate(random, seed, maxEdits: 4, maxChunk: 40),
        Start = () => (data, random) =>
        {
            // libsrt caps a stream id at 512 bytes; take it as the UTF-8 it should be.
            var text = Encoding.UTF8.GetString(data, 0, Math.Min(data.Length, 512));
            if (!GatewayEdge.Protocols.Srt.SrtStreamId.TryParse(text, random.Next(2) == 0 ? "live" : "app", out var id, out var reason))
            {
                FuzzInvariantException.Check(reason.Length > 0, "a stream id refused without a reason");
                return false;
            }
            FuzzInvariantException.Check(id.App.Length > 0 && id.Stream.Length > 0, "a stream id parsed to an empty app or stream");
            _ = StreamAddress.Resolve(id.Vhost, id.App, id.Stream + (id.Param.Length > 0 ? "?" + id.Param : ""), KnownVhosts);
            return true;
        },
    };

    private static FuzzTarget SrsConfig => new()
    {
        Name = "SrsConfig",
        Summary = "SRS-style configuration files (RTMP, HLS/HTTP-FLV/DVR, SRT/RTC/hooks/forward): SrsConfigParser and SrsConfigMapper",
        FormatExceptions = [typeof(SrsConfigException)],
        MaxAllocatedBytes = 4L << 20,
        BoundedInputs = 80_000,
        MinAccepted = 8_000,
        // Includes resolve below a directory that does not exist: they fail with the parser's own exception.
        Start = () => (data, random) =>
        {
            var root = SrsConfigParser.ParseText(Encoding.UTF8.GetString(data), "fuzz.conf", "/nonexistent/srs-config-fuzz");
            _ = SrsConfigMapper.Map(root);
            return root.Children.Count > 0;
        },
    };
}
