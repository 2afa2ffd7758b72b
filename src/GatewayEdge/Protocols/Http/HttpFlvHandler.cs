using System.Buffers;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Limits;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;
using OrleansLive.Media.Codecs;

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
        if (remux.AudioOnly is { } wanted && _gateway.Hubs.Find(address.Key)?.AudioCodec is { } has && has != AudioCodecId.Unknown && has != wanted)
        {
            // The stream is live here with other audio: nothing this format could ever carry.
            _logger.LogWarning("HTTP {Protocol} play {Url} refused: the stream's audio is {Codec}", remux.Protocol, address.Url, has);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var connection = new HttpPlayerConnection(context);
        using var scope = _logger.BeginScope(LogScopes.Client, connection.ClientId);
        var ip = context.Connection.RemoteIpAddress?.ToString() ?? "";
        _logger.LogInformation("HTTP {Protocol} play {Url} from {Ip}", remux.Protocol, address.Url, ip);
        var sessions = _gateway.Sessions;
        var client = sessions.Begin(connection, remux.Protocol, remux.Protocol.ToUpperInvariant(), ip, recordNow: false);
        client.TcUrl = $"http://{context.Request.Host}/{address.App}";
        client.PageUrl = context.Request.Headers.Referer.ToString();
        try
        {
            var queue = sessions.NewPlayerQueue(client, remux.ReadsTsForm, p =>
            {
                using (_logger.BeginScope(LogScopes.Client, connection.ClientId))
                {
                    if (_gateway.Drops.Drop(remux.Protocol, ConnectionDrops.TooSlow))
                    {
                        _logger.LogWarning("HTTP-FLV player from {Ip} too slow: skipped ahead {Skips} times, {Dropped} frames dropped; closing", ip, p.Skips, p.DroppedFrames);
                    }
                }
                context.Abort();
            }, mergesWrites: true);
            var result = await sessions.PlayAsync(client, address, "flv-play", queue);
            if (result.Value is not { } play)
            {
                // Security rules or on_play refused (403), or no verdict could be had (503).
                context.Response.StatusCode = result.Unavailable ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status403Forbidden;
                return;
            }
            using (play)
            {
                if (_gateway.Options.PlayerSendBufferBytes > 0 && context.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
                {
                    // As for RTMP players: a small kernel buffer makes a stalled reader show (and time out) within seconds,
                    // where the default one could swallow megabytes first.
                    socket.SendBufferSize = _gateway.Options.PlayerSendBufferBytes;
                }
                connection.Player = queue;
                await PlayAsync(context, play, connection, remux);
            }
        }
        finally
        {
            sessions.End(client);
        }
    }

    private async Task PlayAsync(HttpContext context, PlaySession play, HttpPlayerConnection connection, HttpRemux remux)
    {
        var player = play.Queue;
        using var aborted = context.RequestAborted.Register(() => player.Complete(PlayerEnd.Closed));
        // Each flush must finish within the send timeout: a player reading a byte a second holds its connection no longer.
        var sendTimeout = TimeSpan.FromSeconds(_gateway.Options.SendTimeoutSeconds);
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        try
        {
            context.Response.ContentType = remux.ContentType;
            context.Response.Headers.CacheControl = "no-cache";
            var body = context.Response.BodyWriter;
            var output = new CountingBufferWriter(body);
            remux.WriteHeader(output);
            await FlushAsync(body, stall, sendTimeout);
            connection.AddSent(output.Take());
            await QueueReader.RunAsync(player, async batch =>
            {
                var more = true;
                foreach (var frame in batch)
                {
                    more = more && remux.Write(output, frame);
                }
                var bytes = output.Take();
                await FlushAsync(body, stall, sendTimeout);
                player.AddSent(bytes);
                connection.AddSent(bytes);
                // SRS's drop_if_not_match: the stream's audio is not what the extension asked for.
                return more;
            });
            _logger.LogInformation("HTTP-FLV player ended ({End}); sent {Sent} bytes", player.End, connection.SentBytes);
        }
        catch (OperationCanceledException) when (stall.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            if (_gateway.Drops.Drop(remux.Protocol, ConnectionDrops.SendTimeout))
            {
                _logger.LogWarning("HTTP-FLV player from {Ip} dropped (send stalled for {Timeout} s); sent {Sent} bytes",
                    context.Connection.RemoteIpAddress, sendTimeout.TotalSeconds, connection.SentBytes);
            }
            context.Abort();
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.LogInformation("HTTP-FLV player went away; sent {Sent} bytes", connection.SentBytes);
        }
    }

    private static async ValueTask FlushAsync(System.IO.Pipelines.PipeWriter body, CancellationTokenSource stall, TimeSpan timeout)
    {
        stall.CancelAfter(timeout);
        await body.FlushAsync(stall.Token);
        stall.CancelAfter(Timeout.InfiniteTimeSpan);
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
