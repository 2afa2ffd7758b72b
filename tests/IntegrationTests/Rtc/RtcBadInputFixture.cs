using Microsoft.Extensions.DependencyInjection;
using OrleansLive.GatewayEdge.Limits;
using OrleansLive.GatewayEdge.Protocols.WebRtc;
using OrleansLive.IntegrationTests.Support;

namespace OrleansLive.IntegrationTests.Rtc;

/// <summary>
/// The server with tight WebRTC limits, so abuse ends in seconds: sessions idle for 3 s end, 8 DTLS
/// handshakes run at once, offers above 16 KiB are refused; room for a thousand pending sessions.
/// </summary>
public sealed class RtcBadInputFixture : ServerFixture
{
    public const int IdleTimeoutSeconds = 3;
    public const int MaxHandshakes = 8;
    public const int MaxSdpBytes = 16 * 1024;

    public RtcServer Rtc => Services.GetRequiredService<RtcServer>();

    public ConnectionLimiter Limiter => Services.GetRequiredService<ConnectionLimiter>();

    /// <summary>Whether the server logged a line containing every fragment.</summary>
    public bool Logged(params string[] fragments) => Logs.Lines.Any(l => fragments.All(f => l.Message.Contains(f, StringComparison.Ordinal)));

    protected override void AddSettings(Dictionary<string, string?> settings)
    {
        settings["Gateway:Rtc:IdleTimeoutSeconds"] = IdleTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Gateway:Rtc:MaxHandshakes"] = MaxHandshakes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Gateway:Rtc:MaxSdpBytes"] = MaxSdpBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Gateway:MaxConnections"] = "5000";
    }
}

[CollectionDefinition(Name)]
public sealed class RtcBadInputCollection : ICollectionFixture<RtcBadInputFixture>
{
    public const string Name = "rtc-bad-input";
}
