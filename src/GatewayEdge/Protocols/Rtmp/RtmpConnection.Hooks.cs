using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>The connect decision: the client session grain runs the vhost's on_connect hooks and
/// this connection waits for its verdict.</summary>
public sealed partial class RtmpConnection
{
    /// <summary>Opens the session record and asks on_connect; a refused client is closed, as SRS does,
    /// without an error status.</summary>
    private async Task ConnectSessionAsync(StreamAddress probe)
    {
        // At connect time SRS's request has the app and the tcUrl's query as its param, no stream yet.
        var info = SessionInfo(address: probe with { Stream = "" });
        var verdict = await Cluster.Client(ClientId).Connect(info);
        if (!verdict.Allowed)
        {
            throw new RtmpProtocolException($"connect refused: {verdict.Reason}");
        }
    }
}
