using System.Net;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

namespace OrleansLive.LoadTool.Rtc;

/// <summary>
/// What the run's WHEP players share: one HTTP client for the offers, one certificate (its
/// fingerprint goes in every offer; generating a key pair per player would cost more than the
/// handshake), one DTLS handshaker bounding the blocking client handshakes, and the run's totals.
/// </summary>
public sealed class WhepClients : IDisposable
{
    public WhepClients(LoadOptions options)
    {
        Http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(1, options.ConnectConcurrency),
            ConnectTimeout = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds),
            UseProxy = false,
        })
        {
            Timeout = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds),
            DefaultRequestVersion = HttpVersion.Version11,
        };
        // BouncyCastle blocks a thread per running handshake: a few dozen keep the tool's threads
        // bounded; the rest wait in the handshaker's queue within the connect timeout.
        Handshaker = new DtlsHandshaker(new DtlsHandshakerOptions
        {
            MaxConcurrent = 32,
            MaxQueued = Math.Max(options.ConnectConcurrency, options.WhepPlayers),
            Timeout = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds),
        });
    }

    public HttpClient Http { get; }

    public DtlsCertificate Certificate { get; } = DtlsCertificate.Generate("OrleansLive.LoadTool");

    public DtlsHandshaker Handshaker { get; }

    public void Dispose() => Http.Dispose();
}
