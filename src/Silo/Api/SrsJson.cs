using System.Text.Json.Nodes;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.Silo.Api;

/// <summary>The stream, client and vhost objects with SRS's exact field names and order.</summary>
internal static class SrsJson
{
    public static JsonObject Kbps(int recv30s, int send30s) => new()
    {
        ["recv_30s"] = recv30s,
        ["send_30s"] = send30s,
    };

    public static JsonObject Stream(StreamSnapshot s, string vhostId, DateTime nowUtc)
    {
        var publish = new JsonObject { ["active"] = s.Active };
        if (s.PublisherClientId is not null)
        {
            publish["cid"] = s.PublisherClientId;
        }
        var json = new JsonObject
        {
            ["id"] = s.StreamId,
            ["name"] = s.Stream,
            ["vhost"] = vhostId,
            ["app"] = s.App,
            ["tcUrl"] = s.TcUrl,
            ["url"] = StreamKey.Url(s.Vhost, s.App, s.Stream),
            ["live_ms"] = UnixMs(nowUtc), // SRS reports the current time here, not the uptime
            ["clients"] = s.Clients,
            ["frames"] = s.VideoFrames,
            ["send_bytes"] = s.SendBytes,
            ["recv_bytes"] = s.RecvBytes,
            ["kbps"] = Kbps(s.KbpsRecv30s, s.KbpsSend30s),
            ["publish"] = publish,
            ["video"] = s.Video is { } v ? new JsonObject
            {
                ["codec"] = v.Codec,
                ["profile"] = v.Profile,
                ["level"] = v.Level,
                ["width"] = v.Width,
                ["height"] = v.Height,
            } : null,
            ["audio"] = s.Audio is { } a ? new JsonObject
            {
                ["codec"] = a.Codec,
                ["sample_rate"] = a.SampleRate,
                ["channel"] = a.Channels,
                ["profile"] = a.Profile,
            } : null,
            // Beyond SRS: where the stream lives in the cluster.
            ["silo"] = s.Silo,
            ["gateway"] = s.PublisherGatewayId,
        };
        AddForwards(json, s);
        AddAudioBridges(json, s);
        AddSnapshot(json, s);
        return json;
    }

    /// <summary>A stored session record, live or ended (beyond SRS, which forgets clients that left).</summary>
    public static JsonObject Session(string clientId, ClientSessionSnapshot c, string vhostId, DateTime nowUtc)
    {
        var json = Client(clientId, c, vhostId, c.EndedUtc ?? nowUtc);
        json["gateway"] = c.Info.GatewayId;
        json["protocol"] = c.Info.Protocol;
        json["start_ms"] = UnixMs(c.Info.StartedUtc);
        json["end_ms"] = c.EndedUtc is { } ended ? UnixMs(ended) : null;
        return json;
    }

    public static JsonObject Client(string clientId, ClientSessionSnapshot c, string vhostId, DateTime nowUtc)
    {
        var json = ClientFields(clientId, c, vhostId, nowUtc);
        if (c.Rtp is { } rtp)
        {
            json["rtp"] = new JsonObject
            {
                ["packets_received"] = rtp.PacketsReceived,
                ["packets_sent"] = rtp.PacketsSent,
                ["packets_lost"] = rtp.PacketsLost,
                ["nacks"] = rtp.Nacks,
                ["retransmits"] = rtp.Retransmits,
                ["keyframe_requests"] = rtp.KeyframeRequests,
            };
            if (rtp.AvOffsetMs is { } offset)
            {
                // A WebRTC publisher's audio lead over its video, by its own sender reports.
                json["rtp"]!["av_offset_ms"] = Math.Round(offset, 1);
            }
        }
        return json;
    }

    private static JsonObject ClientFields(string clientId, ClientSessionSnapshot c, string vhostId, DateTime nowUtc)
    {
        var info = c.Info;
        return new JsonObject
        {
            ["id"] = clientId,
            ["vhost"] = vhostId,
            ["stream"] = info.StreamId ?? "",
            ["ip"] = info.Ip,
            ["pageUrl"] = info.PageUrl,
            ["swfUrl"] = info.SwfUrl,
            ["tcUrl"] = info.TcUrl,
            ["url"] = StreamKey.Url(info.Vhost, info.App, info.Stream),
            ["name"] = info.Stream,
            ["type"] = string.IsNullOrEmpty(info.Type) ? ClientSessionInfo.UnknownType : info.Type,
            ["publish"] = info.Publish,
            // Seconds with millisecond precision, as SRS computes it.
            ["alive"] = Math.Max(0, Math.Round((nowUtc - info.StartedUtc).TotalMilliseconds)) / 1000.0,
            ["send_bytes"] = c.SendBytes,
            ["recv_bytes"] = c.RecvBytes,
            ["kbps"] = Kbps(c.KbpsRecv30s, c.KbpsSend30s),
            // Beyond SRS, after its fields: the gateway that holds the connection.
            ["gateway"] = info.GatewayId,
        };
    }

    /// <summary>A vhost with counters summed over its live streams; as in SRS, hls.fragment is
    /// only there when HLS is enabled.</summary>
    public static JsonObject Vhost(VhostSnapshot v, IReadOnlyCollection<StreamSnapshot> streams) => new()
    {
        ["id"] = v.VhostId,
        ["name"] = v.Name,
        ["enabled"] = v.Settings.Enabled,
        ["clients"] = streams.Sum(s => s.Clients),
        ["streams"] = streams.Count,
        ["send_bytes"] = streams.Sum(s => s.SendBytes),
        ["recv_bytes"] = streams.Sum(s => s.RecvBytes),
        ["kbps"] = Kbps(streams.Sum(s => s.KbpsRecv30s), streams.Sum(s => s.KbpsSend30s)),
        ["hls"] = v.Settings.Hls.Enabled
            ? new JsonObject { ["enabled"] = true, ["fragment"] = v.Settings.Hls.Fragment }
            : new JsonObject { ["enabled"] = false },
        ["settings"] = VhostSettingsJson.Settings(v.Settings), // beyond SRS
        ["override"] = v.Overridden, // beyond SRS: settings stored through the API replace the configured ones
        ["config_version"] = v.ConfigVersion, // beyond SRS
    };

    public static long UnixMs(DateTime utc) => new DateTimeOffset(utc, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>Beyond SRS: the publish's forward destinations and their state; left out when none.</summary>
    private static void AddForwards(JsonObject json, StreamSnapshot s)
    {
        if (s.Forwards is not { Count: > 0 } forwards)
        {
            return;
        }
        var list = new JsonArray();
        foreach (var f in forwards)
        {
            list.Add(new JsonObject
            {
                ["url"] = f.Url,
                ["state"] = f.State,
                ["attempts"] = f.Attempts,
                ["error"] = f.LastError,
            });
        }
        json["forwards"] = list;
    }

    /// <summary>Beyond SRS: the stream's latest JPEG snapshot, on the HTTP port of the gateway that took it
    /// (`url` is the path there); left out while there is none.</summary>
    private static void AddSnapshot(JsonObject json, StreamSnapshot s)
    {
        if (s.Snapshot is not { } snapshot)
        {
            return;
        }
        json["snapshot"] = new JsonObject
        {
            ["url"] = SnapshotPath(s.Vhost, s.App, s.Stream),
            ["gateway"] = snapshot.GatewayId,
            ["time_ms"] = UnixMs(snapshot.TakenUtc),
            ["width"] = snapshot.Width,
            ["height"] = snapshot.Height,
            ["bytes"] = snapshot.Bytes,
        };
    }

    /// <summary>"/app/stream.jpg", with "?vhost=" for a vhost other than the default.</summary>
    public static string SnapshotPath(string vhost, string app, string stream) =>
        $"/{string.Join('/', app.Split('/').Select(Uri.EscapeDataString))}/{Uri.EscapeDataString(stream)}.jpg"
        + (vhost == StreamKey.DefaultVhost ? "" : "?vhost=" + Uri.EscapeDataString(vhost));

    /// <summary>Beyond SRS: the audio bridges running for the stream, one per gateway that needs one;
    /// side "rtc" converts for WebRTC players, "rtmp" for the others. Left out when none runs.</summary>
    private static void AddAudioBridges(JsonObject json, StreamSnapshot s)
    {
        if (s.AudioBridges is not { Count: > 0 } bridges)
        {
            return;
        }
        var list = new JsonArray();
        foreach (var b in bridges)
        {
            list.Add(new JsonObject
            {
                ["gateway"] = b.GatewayId,
                ["side"] = b.Side,
                ["from"] = b.From,
                ["to"] = b.To,
                ["sample_rate"] = b.SampleRate,
                ["channels"] = b.Channels,
                ["kbps"] = b.Bitrate / 1000,
                ["frames_in"] = b.FramesIn,
                ["frames_out"] = b.FramesOut,
                ["dropped"] = b.DroppedFrames,
            });
        }
        json["bridges"] = list;
    }
}
