using System.Text.Json.Nodes;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains.Hooks;

/// <summary>The JSON bodies of SRS's HTTP callbacks, field for field and in SRS's order.</summary>
internal static class HookPayloads
{
    public static JsonObject Connect(HookServerIdentity server, HookSubject s)
    {
        var body = Common(server, HookActions.OnConnect, s);
        body["stream"] = s.Stream;
        body["param"] = s.Param;
        body["tcUrl"] = s.TcUrl;
        body["pageUrl"] = s.PageUrl;
        return body;
    }

    public static JsonObject Close(HookServerIdentity server, HookSubject s, long sendBytes, long recvBytes)
    {
        var body = Common(server, HookActions.OnClose, s);
        body["send_bytes"] = sendBytes;
        body["recv_bytes"] = recvBytes;
        return body;
    }

    /// <summary>on_publish and on_unpublish.</summary>
    public static JsonObject Publish(HookServerIdentity server, string action, HookSubject s)
    {
        var body = Common(server, action, s);
        body["tcUrl"] = s.TcUrl;
        body["stream"] = s.Stream;
        body["param"] = s.Param;
        return WithStream(body, s);
    }

    public static JsonObject Play(HookServerIdentity server, HookSubject s)
    {
        var body = Common(server, HookActions.OnPlay, s);
        body["stream"] = s.Stream;
        body["tcUrl"] = s.TcUrl;
        body["param"] = s.Param;
        body["pageUrl"] = s.PageUrl;
        return WithStream(body, s);
    }

    public static JsonObject Stop(HookServerIdentity server, HookSubject s)
    {
        var body = Common(server, HookActions.OnStop, s);
        body["stream"] = s.Stream;
        body["tcUrl"] = s.TcUrl;
        body["param"] = s.Param;
        return WithStream(body, s);
    }

    public static JsonObject Dvr(HookServerIdentity server, HookSubject s, DvrHookFile file)
    {
        var body = Common(server, HookActions.OnDvr, s);
        body["stream"] = s.Stream;
        body["tcUrl"] = s.TcUrl;
        body["param"] = s.Param;
        body["cwd"] = file.Cwd;
        body["file"] = file.File;
        return WithStream(body, s);
    }

    public static JsonObject Hls(HookServerIdentity server, HookSubject s, HlsHookSegment segment)
    {
        var body = Common(server, HookActions.OnHls, s);
        body["tcUrl"] = s.TcUrl;
        body["stream"] = s.Stream;
        body["param"] = s.Param;
        body["duration"] = segment.Duration;
        body["cwd"] = segment.Cwd;
        body["file"] = segment.File;
        body["url"] = segment.Url;
        body["m3u8"] = segment.M3u8;
        body["m3u8_url"] = segment.M3u8Url;
        body["seq_no"] = segment.SeqNo;
        return WithStream(body, s);
    }

    private static JsonObject Common(HookServerIdentity server, string action, HookSubject s) => new()
    {
        ["server_id"] = server.ServerId,
        ["service_id"] = server.ServiceId,
        ["action"] = action,
        ["client_id"] = s.ClientId,
        ["ip"] = s.Ip,
        ["vhost"] = s.Vhost,
        ["app"] = s.App,
    };

    private static JsonObject WithStream(JsonObject body, HookSubject s)
    {
        body["stream_url"] = s.StreamUrl;
        body["stream_id"] = s.StreamId;
        return body;
    }
}
