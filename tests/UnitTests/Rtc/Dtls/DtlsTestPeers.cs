using OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

namespace OrleansLive.UnitTests.Rtc.Dtls;

/// <summary>Certificates are slow-ish to make; one pair serves every test.</summary>
internal static class DtlsTestPeers
{
    public static readonly DtlsCertificate ServerCertificate = DtlsCertificate.Generate("gateway");
    public static readonly DtlsCertificate ClientCertificate = DtlsCertificate.Generate("browser");
    public static readonly DtlsCertificate OtherCertificate = DtlsCertificate.Generate("someone-else");

    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public static DtlsSrtpServer Server(string? expectedClient = null, IReadOnlyList<SrtpProfile>? profiles = null, int resendMillis = 1000) =>
        new(ServerCertificate, expectedClient ?? ClientCertificate.Fingerprint, profiles, resendMillis: resendMillis);

    public static DtlsSrtpClient Client(string? expectedServer = null, IReadOnlyList<SrtpProfile>? profiles = null, int resendMillis = 1000) =>
        new(ClientCertificate, expectedServer ?? ServerCertificate.Fingerprint, profiles, resendMillis: resendMillis);
}
