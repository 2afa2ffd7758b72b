using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Cluster;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Protocols.Http;

/// <summary>
/// Live HTTP playback (`GET /{app}/{stream}.flv`, and `.ts`, `.aac`, `.mp3` through
/// <see cref="HttpRemux"/>): a header, then the stream's frames in that format for as long as it is
/// published. Waits for a stream that is not published yet, like SRS.
/// </summary>
public sealed class HttpFlvHandler
{
    private const int WriteBatchBytes = 256 * 1024;
    private readonly GatewayContext _gateway;
    private readonly ILogger<HttpFlvHandler> _logger;

    public HttpFlvHandler(GatewayContext gateway)
    {
        _gateway = gateway;
        _logger = gateway.Loggers.CreateLogger<HttpFlvHandler>();
    }

    public async Task HandleAsync(HttpContext context, string path)
    {
        if (!TryParsePath(path, out var app, out var stream, out var extension) || HttpRemux.For(extension) is not { } remux)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (!_gateway.Limits.TryAdmit(context.Connection.RemoteIpAddress, "HTTP-FLV", out var admission))
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        using var admitted = admission;
        var query = context.Request.QueryString.HasValue ? context.Request.QueryString.Value! : "";
        var address = StreamAddress.Resolve(context.Request.Host.Host, app, stream + query, _gateway.KnownVhosts);
        var connection = new HttpPlayerConnection(context);
        using var scope = _logger.BeginScope(LogScopes.Client, connection.ClientId);
        var ip = context.Connection.RemoteIpAddress?.ToString() ?? "";
        var cluster = _gateway.Cluster;
        _gateway.Connections.Add(connection);
        _logger.LogInformation("HTTP {Protocol} play {Url} from {Ip}", remux.Protocol, address.Url, ip);
        var hubOptions = await _gateway.HubOptionsFor(address.Vhost, _logger);
        var tcUrl = $"http://{context.Request.Host}/{address.App}";
        var pageUrl = context.Request.Headers.Referer.ToString();
        PlayVerdict? verdict = null;
        try
        {
            verdict = await cluster.Stream(address.Key).PlayerJoined(new PlayClaim(connection.ClientId, cluster.GatewayId, ip, tcUrl, pageUrl, address.Param));
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Stream grain unavailable for {Url}", address.Url);
        }
        if (verdict is not { Allowed: true })
        {
            // Security rules or on_play refused (403), or no verdict could be had (503).
            _gateway.Connections.Remove(connection);
            context.Response.StatusCode = verdict is null ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status403Forbidden;
            _logger.LogWarning("HTTP-FLV play {Url} refused: {Reason}", address.Url, verdict?.Reason ?? "stream grain unavailable");
            return;
        }
        var streamId = verdict.StreamId;
        var info = new ClientSessionInfo(connection.ClientId, cluster.GatewayId, ip, remux.Protocol, "flv-play", false,
            address.Vhost, address.App, address.Stream, streamId, tcUrl, pageUrl, "", address.Param, DateTime.UtcNow);
        cluster.Fire(() => cluster.Client(connection.ClientId).Open(info), "open session");

        var player = new PlayerQueue(connection.ClientId, _gateway.PlayerLimits)
        {
            Dropped = p =>
            {
                using (_logger.BeginScope(LogScopes.Client, connection.ClientId))
                {
                    _logger.LogWarning("HTTP-FLV player too slow: skipped ahead {Skips} times, {Dropped} frames dropped; closing", p.Skips, p.DroppedFrames);
                }
                context.Abort();
            },
        };
        var hub = _gateway.Hubs.Rent(address.Vhost, address.App, address.Stream, hubOptions);
        connection.Player = player;
        using var aborted = context.RequestAborted.Register(() => player.Complete(PlayerEnd.Closed));
        try
        {
            context.Response.ContentType = remux.ContentType;
            context.Response.Headers.CacheControl = "no-cache";
            var output = new CountingBufferWriter(context.Response.BodyWriter);
            remux.WriteHeader(output);
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
            connection.AddSent(output.Take());
            hub.AddPlayer(player);
            if (hub.PublisherClientId is null)
            {
                _gateway.EdgePulls.Poke();
            }
            await SendLoopAsync(context, player, connection, remux);
            _logger.LogInformation("HTTP-FLV player ended ({End}); sent {Sent} bytes", player.End, connection.SentBytes);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogInformation("HTTP-FLV player went away; sent {Sent} bytes", connection.SentBytes);
        }
        finally
        {
            player.Complete(PlayerEnd.Closed);
            hub.RemovePlayer(player);
            _gateway.Hubs.Return(hub);
            _gateway.Connections.Remove(connection);
            cluster.Fire(() => cluster.Stream(address.Key).PlayerLeft(connection.ClientId), "player left");
            var sent = connection.SentBytes;
            cluster.Fire(() => cluster.Client(connection.ClientId).Close(sent, 0), "close session");
        }
    }

    private static async Task SendLoopAsync(HttpContext context, PlayerQueue player, HttpPlayerConnection connection, HttpRemux remux)
    {
        var batch = new List<MediaFrame>(64);
        var body = context.Response.BodyWriter;
        var output = new CountingBufferWriter(body);
        while (await player.WaitAsync())
        {
            player.Drain(batch, WriteBatchBytes);
            var more = true;
            try
            {
                foreach (var frame in batch)
                {
                    more = more && remux.Write(output, frame);
                }
            }
            finally
            {
                foreach (var frame in batch)
                {
                    frame.Release();
                }
                batch.Clear();
            }
            var bytes = output.Take();
            await body.FlushAsync(context.RequestAborted);
            player.AddSent(bytes);
            connection.AddSent(bytes);
            if (!more)
            {
                // SRS's drop_if_not_match: the stream's audio is not what the extension asked for.
                return;
            }
        }
    }

    /// <summary>Splits "app/sub/stream.flv" into app "app/sub", stream "stream" and extension ".flv".</summary>
    internal static bool TryParsePath(string path, out string app, out string stream, out string extension)
    {
        app = stream = "";
        path = path.Trim('/');
        extension = Path.GetExtension(path);
        var slash = path.LastIndexOf('/');
        if (extension.Length == 0 || slash <= 0)
        {
            return false;
        }
        app = path[..slash];
        stream = path[(slash + 1)..^extension.Length];
        return stream.Length > 0;
    }

    private sealed class HttpPlayerConnection : IClientConnection
    {
        private readonly HttpContext _context;
        private long _sent;

        public HttpPlayerConnection(HttpContext context)
        {
            _context = context;
        }

        public string ClientId { get; } = Ids.NewClientId();

        public PlayerQueue? Player { get; set; }

        public long SentBytes => Interlocked.Read(ref _sent);

        public long RecvBytes => 0;

        public void AddSent(long bytes) => Interlocked.Add(ref _sent, bytes);

        public void Kick()
        {
            Player?.Complete(PlayerEnd.Closed);
            _context.Abort();
        }
    }
}
