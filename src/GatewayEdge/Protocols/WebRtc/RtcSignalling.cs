using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Codecs;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc;

/// <summary>
/// WebRTC signalling as SRS serves it, on the gateway's HTTP port and (co-hosted) the API port:
/// WHIP and WHEP (`POST /rtc/v1/whip/?app=&stream=` with an SDP offer → 201, the answer and a
/// Location that DELETE ends) and SRS's JSON API (`POST /rtc/v1/publish/`, `/rtc/v1/play/`).
/// A Bearer token reaches the hooks as `token=` in param, beside the query's own parameters.
/// </summary>
public sealed class RtcSignalling
{
    private readonly GatewayContext _gateway;
    private readonly RtcServer _server;
    private readonly ILogger<RtcSignalling> _logger;
    private readonly string _gatewayId;

    public RtcSignalling(GatewayContext gateway, RtcServer server, GatewayIdentity identity)
    {
        _gatewayId = identity.Id;
        _gateway = gateway;
        _server = server;
        _logger = gateway.Loggers.CreateLogger<RtcSignalling>();
    }

    /// <summary>Answers a request below /rtc/v1/; false when the path is not one of ours.</summary>
    public async Task<bool> TryHandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        var kind = path.TrimEnd('/') switch
        {
            "/rtc/v1/whip" or "/rtc/v1/whip-publish" => Endpoint.Whip,
            "/rtc/v1/whep" or "/rtc/v1/whip-play" => Endpoint.Whep,
            "/rtc/v1/publish" => Endpoint.JsonPublish,
            "/rtc/v1/play" => Endpoint.JsonPlay,
            _ => Endpoint.None,
        };
        if (kind == Endpoint.None)
        {
            return false;
        }
        if (CrossDomain.Answer(http))
        {
            return true;
        }
        if (!_server.Enabled)
        {
            await Reply(http, StatusCodes.Status503ServiceUnavailable, "WebRTC is off on this gateway (Gateway:RtcPort)");
            return true;
        }
        if (HttpMethods.IsDelete(http.Request.Method) && kind is Endpoint.Whip or Endpoint.Whep)
        {
            await DeleteAsync(http);
            return true;
        }
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            await Reply(http, StatusCodes.Status405MethodNotAllowed, "POST an SDP offer");
            return true;
        }
        var body = await ReadBodyAsync(http);
        if (body is null)
        {
            await Reply(http, StatusCodes.Status413PayloadTooLarge, $"offer larger than {_server.Settings.MaxSdpBytes} bytes");
            return true;
        }
        if (kind is Endpoint.Whip or Endpoint.Whep)
        {
            await WhipAsync(http, kind == Endpoint.Whip, body);
        }
        else
        {
            await JsonAsync(http, kind == Endpoint.JsonPublish, body);
        }
        return true;
    }

    private async Task WhipAsync(HttpContext http, bool publish, string sdp)
    {
        var query = http.Request.Query;
        var app = query["app"].ToString();
        var stream = query["stream"].ToString();
        // app and stream name the address; the rest of the query is the client's param, as in an RTMP URL.
        var param = ParamOf(WithoutAddress(http.Request.QueryString.Value ?? ""), Bearer(http));
        var request = new RtcOffer(publish, http.Request.Host.Host, app.Length > 0 ? app : "live", stream, param, sdp,
            http.Connection.RemoteIpAddress?.ToString() ?? "", $"http://{http.Request.Host}/{app}");
        var outcome = await OfferAsync(request);
        if (outcome.Session is not { } session)
        {
            await Reply(http, outcome.Status, outcome.Error!);
            return;
        }
        var verb = publish ? "whip" : "whep";
        http.Response.StatusCode = StatusCodes.Status201Created;
        http.Response.ContentType = "application/sdp";
        http.Response.Headers.Location =
            $"/rtc/v1/{verb}/?action=delete&token={session.DeleteToken}&app={Uri.EscapeDataString(session.Address.App)}&stream={Uri.EscapeDataString(session.Address.Stream)}&session={Uri.EscapeDataString(session.SessionId)}";
        await http.Response.WriteAsync(session.AnswerSdp);
    }

    private async Task JsonAsync(HttpContext http, bool publish, string body)
    {
        string? sdp, streamUrl;
        try
        {
            using var json = JsonDocument.Parse(body);
            sdp = json.RootElement.TryGetProperty("sdp", out var s) ? s.GetString() : null;
            streamUrl = json.RootElement.TryGetProperty("streamurl", out var u) ? u.GetString() : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            await JsonReply(http, new JsonObject { ["code"] = 400, ["message"] = "body is not JSON" }, StatusCodes.Status400BadRequest);
            return;
        }
        if (sdp is null || streamUrl is null || !TryParseStreamUrl(streamUrl, out var host, out var app, out var stream, out var query))
        {
            await JsonReply(http, new JsonObject { ["code"] = 400, ["message"] = "need sdp and streamurl webrtc://host/app/stream" }, StatusCodes.Status400BadRequest);
            return;
        }
        var request = new RtcOffer(publish, host, app, stream, ParamOf(query, Bearer(http)), sdp,
            http.Connection.RemoteIpAddress?.ToString() ?? "", $"webrtc://{host}/{app}");
        var outcome = await OfferAsync(request);
        if (outcome.Session is not { } session)
        {
            await JsonReply(http, new JsonObject { ["code"] = outcome.Status, ["message"] = outcome.Error }, StatusCodes.Status200OK);
            return;
        }
        await JsonReply(http, new JsonObject
        {
            ["code"] = 0,
            ["server"] = _gatewayId,
            ["service"] = _gatewayId,
            ["pid"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["sdp"] = session.AnswerSdp,
            ["sessionid"] = session.SessionId,
        }, StatusCodes.Status200OK);
    }

    private async Task DeleteAsync(HttpContext http)
    {
        var query = http.Request.Query;
        var session = _server.Sessions.ById(query["session"].ToString());
        if (session is null || !session.DeleteToken.Equals(query["token"].ToString(), StringComparison.Ordinal))
        {
            await Reply(http, StatusCodes.Status404NotFound, "no such session");
            return;
        }
        session.Close("ended by DELETE");
        http.Response.StatusCode = StatusCodes.Status200OK;
    }

    /// <summary>Admission as for every protocol (connect, then publish or play), then the answer.</summary>
    private async Task<OfferOutcome> OfferAsync(RtcOffer offer)
    {
        if (offer.Stream.Length == 0)
        {
            return OfferOutcome.Fail(StatusCodes.Status400BadRequest, "no stream name (?app=APP&stream=NAME)");
        }
        var address = StreamAddress.Resolve(offer.Host, offer.App, offer.Stream + offer.Param, _gateway.KnownVhosts);
        var streamCodec = offer.Publish ? VideoCodecId.Unknown : await StreamCodecAsync(address);
        if (!RtcNegotiation.TryNegotiate(offer.Sdp, offer.Publish, _server.Certificate.Fingerprint, _server.Candidates, streamCodec, out var negotiation, out var error))
        {
            _logger.LogWarning("WebRTC {Role} offer for {App}/{Stream} from {Ip} refused: {Error}", offer.Publish ? "publish" : "play", offer.App, offer.Stream, offer.Ip, error);
            return OfferOutcome.Fail(StatusCodes.Status400BadRequest, error);
        }
        if (_server.Sessions.Count >= _server.Settings.MaxSessions)
        {
            _logger.LogWarning("WebRTC offer from {Ip} refused: {Count} sessions already", offer.Ip, _server.Sessions.Count);
            return OfferOutcome.Fail(StatusCodes.Status503ServiceUnavailable, "too many WebRTC sessions");
        }
        if (!_gateway.Limits.TryAdmit(System.Net.IPAddress.TryParse(offer.Ip, out var ip) ? ip : null, "WebRTC", out var admission))
        {
            return OfferOutcome.Fail(StatusCodes.Status503ServiceUnavailable, "connection limit reached");
        }
        var session = new RtcSession(_server, _gateway, negotiation, address, offer.Publish, admission);
        var outcome = await session.AdmitAsync(offer);
        if (outcome is not null)
        {
            return OfferOutcome.Fail(StatusCodes.Status403Forbidden, outcome);
        }
        if (!_server.Sessions.TryAdd(session))
        {
            session.Close("too many WebRTC sessions");
            return OfferOutcome.Fail(StatusCodes.Status503ServiceUnavailable, "too many WebRTC sessions");
        }
        return new OfferOutcome(session, 0, null);
    }

    /// <summary>The video codec a player of the stream gets: the local hub's, else (a stream published on
    /// another gateway, pulled here once the player is admitted) the one its stream grain reports.</summary>
    private async Task<VideoCodecId> StreamCodecAsync(StreamAddress address)
    {
        if (_gateway.Hubs.Find(address.Key)?.VideoCodec is { } local and not VideoCodecId.Unknown)
        {
            return local;
        }
        try
        {
            return await _gateway.Sessions.PublishedVideoCodecAsync(address) switch
            {
                "H264" => VideoCodecId.H264,
                "HEVC" => VideoCodecId.H265,
                "VP8" => VideoCodecId.Vp8,
                "VP9" => VideoCodecId.Vp9,
                "AV1" => VideoCodecId.Av1,
                _ => VideoCodecId.Unknown,
            };
        }
        catch (Exception ex)
        {
            // Negotiation goes on without it: H.264 first, as for a stream not published yet.
            _logger.LogWarning("WebRTC play of {Url}: the stream's codec could not be asked for: {Error}", address.Url, ex.Message);
            return VideoCodecId.Unknown;
        }
    }

    private async Task<string?> ReadBodyAsync(HttpContext http)
    {
        var limit = _server.Settings.MaxSdpBytes;
        if (http.Request.ContentLength > limit)
        {
            return null;
        }
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string? Bearer(HttpContext http)
    {
        var value = http.Request.Headers.Authorization.ToString();
        return value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..].Trim() : null;
    }

    /// <summary>The query as SRS passes it to hooks (`?k=v&...`), the Bearer token added as `token=`.</summary>
    internal static string ParamOf(string query, string? bearer)
    {
        var pairs = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (bearer is not null && !pairs.Any(p => p.StartsWith("token=", StringComparison.Ordinal)))
        {
            pairs.Add("token=" + Uri.EscapeDataString(bearer));
        }
        return pairs.Count == 0 ? "" : "?" + string.Join('&', pairs);
    }

    private static string WithoutAddress(string query) => string.Join('&', query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
        .Where(p => !p.StartsWith("app=", StringComparison.OrdinalIgnoreCase) && !p.StartsWith("stream=", StringComparison.OrdinalIgnoreCase)));

    /// <summary>`webrtc://host[:port]/app/stream[?query]`, SRS's stream URL of the JSON API.</summary>
    internal static bool TryParseStreamUrl(string url, out string host, out string app, out string stream, out string query)
    {
        host = app = stream = query = "";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("webrtc" or "http" or "https"))
        {
            return false;
        }
        var segments = uri.AbsolutePath.Trim('/').Split('/');
        if (segments.Length < 2 || segments[^1].Length == 0)
        {
            return false;
        }
        host = uri.Host;
        app = string.Join('/', segments[..^1]);
        stream = Uri.UnescapeDataString(segments[^1]);
        query = uri.Query;
        return true;
    }

    private static async Task Reply(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync(message + "\n");
    }

    private static async Task JsonReply(HttpContext http, JsonObject body, int status)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString());
    }

    private enum Endpoint
    {
        None,
        Whip,
        Whep,
        JsonPublish,
        JsonPlay,
    }

    private sealed record OfferOutcome(RtcSession? Session, int Status, string? Error)
    {
        public static OfferOutcome Fail(int status, string error) => new(null, status, error);
    }
}

/// <summary>One offer as signalling received it.</summary>
/// <param name="Host">The HTTP Host or the stream URL's host: the vhost unless `?vhost=` says otherwise.</param>
/// <param name="Param">The query (with a Bearer token added) as hooks get it.</param>
public sealed record RtcOffer(bool Publish, string Host, string App, string Stream, string Param, string Sdp, string Ip, string TcUrl);
