using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Sessions;

/// <summary>
/// One client connection as the control plane knows it, whatever its protocol: its ids, where it comes
/// from, and the URLs it gave. Protocol adapters fill in what they learn (RTMP's tcUrl at connect,
/// HTTP's Referer); <see cref="StreamSessions"/> turns it into session records and grain claims.
/// </summary>
public sealed class ClientSession
{
    internal ClientSession(IClientConnection connection, string protocol, string label, string ip)
    {
        Connection = connection;
        Protocol = protocol;
        Label = label;
        Ip = ip;
    }

    public IClientConnection Connection { get; }

    public string ClientId => Connection.ClientId;

    /// <summary>The protocol as session records name it: "rtmp", "http-flv", "http-ts", "srt"...</summary>
    public string Protocol { get; }

    /// <summary>The protocol as log lines name it: "RTMP", "HTTP-FLV", "SRT"...</summary>
    public string Label { get; }

    public string Ip { get; }

    public DateTime Started { get; } = DateTime.UtcNow;

    public string TcUrl { get; set; } = "";

    public string PageUrl { get; set; } = "";

    public string SwfUrl { get; set; } = "";

    /// <summary>Vhost and app known before a stream is (RTMP connect), for the session record.</summary>
    public string Vhost { get; set; } = "";

    public string App { get; set; } = "";

    /// <summary>A session record was opened for this connection, so its end must close it (and the
    /// cluster lists it as a client: the registry is told, so the next traffic report goes out soon).</summary>
    internal bool Recorded
    {
        get => _recorded;
        set
        {
            var first = value && !_recorded;
            _recorded = value;
            if (first)
            {
                RecordedChanged?.Invoke();
            }
        }
    }

    private bool _recorded;

    /// <summary>Set by the <see cref="ConnectionRegistry"/> that holds the connection.</summary>
    internal Action? RecordedChanged { get; set; }

    internal ClientSessionInfo Info(string gatewayId, string type, bool publish, StreamAddress? address, string? streamId) => new(
        ClientId, gatewayId, Ip, Protocol, type, publish,
        address?.Vhost ?? Vhost, address?.App ?? App, address?.Stream ?? "", streamId,
        TcUrl, PageUrl, SwfUrl, address?.Param ?? "", Started);
}
