using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OrleansLive.GatewayEdge;
using OrleansLive.GatewayEdge.Tls;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>
/// The server with every TLS listener on: the API over HTTPS, HTTPS streams, RTMPS, all with the
/// self-signed certificate it generates (written to <see cref="CertFile"/> for curl and ffprobe); HLS
/// on the default vhost; on_publish hooks to an https <see cref="HookBackend"/> whose own self-signed
/// certificate is trusted through Hooks:TrustedCertFile.
/// </summary>
public sealed class HttpsServerFixture : ServerFixture
{
    private readonly string _dir = Directory.CreateTempSubdirectory("orleanslive-https-").FullName;

    public HookBackend Backend { get; } = new();

    /// <summary>The certificate the server generated, as PEM.</summary>
    public string CertFile => Path.Combine(_dir, "server.pem");

    public string HlsRoot => Path.Combine(_dir, "hls");

    public int ApiHttpsPort => Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
        .Select(a => new Uri(a)).Single(a => a.Scheme == Uri.UriSchemeHttps).Port;

    public int HttpsPort => Services.GetRequiredService<GatewayEndpoints>().HttpsPort;

    public int RtmpsPort => Services.GetRequiredService<GatewayEndpoints>().RtmpsPort;

    public string HttpsUrl(string path) => $"https://127.0.0.1:{HttpsPort}/{path.TrimStart('/')}";

    public string RtmpsUrl(string app, string stream) => $"rtmps://127.0.0.1:{RtmpsPort}/{app}/{stream}";

    public override async Task InitializeAsync()
    {
        var backendCert = ServerCertificate.GenerateSelfSigned();
        await File.WriteAllTextAsync(Path.Combine(_dir, "backend.pem"), backendCert.ExportCertificatePem());
        await Backend.StartAsync(backendCert);
        await base.InitializeAsync();
    }

    protected override void AddSettings(Dictionary<string, string?> settings)
    {
        settings["Api:Https:Port"] = "0";
        settings["Gateway:HttpsPort"] = "0";
        settings["Gateway:RtmpsPort"] = "0";
        settings["Https:GeneratedCertFile"] = CertFile;
        settings["Hooks:TrustedCertFile"] = Path.Combine(_dir, "backend.pem");
        var vhost = $"Vhosts:{StreamKey.DefaultVhost}:";
        settings[vhost + "HttpHooks:Enabled"] = "true";
        settings[vhost + "HttpHooks:OnPublish:0"] = Backend.Url("on_publish");
        settings[vhost + "Hls:Enabled"] = "true";
        settings[vhost + "Hls:Fragment"] = (1.0).ToString(CultureInfo.InvariantCulture);
        settings[vhost + "Hls:Path"] = HlsRoot;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Backend.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class HttpsCollection : ICollectionFixture<HttpsServerFixture>
{
    public const string Name = "https server";
}
