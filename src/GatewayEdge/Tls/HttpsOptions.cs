namespace OrleansLive.GatewayEdge.Tls;

/// <summary>The server certificate of every TLS listener (configuration section "Https"): HTTPS on the
/// API and stream ports, RTMPS (SRS `http_api.https`, `http_server.https`, `rtmps`).</summary>
public sealed class HttpsOptions
{
    public const string Section = "Https";

    /// <summary>PEM file with the certificate, optionally followed by its chain (SRS 6's full chain in
    /// one file); empty: a self-signed certificate is generated at start.</summary>
    public string CertFile { get; set; } = "";

    /// <summary>PEM file with the private key; empty: the key is read from <see cref="CertFile"/>.</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>Where a generated certificate is written as PEM (for `curl --cacert`); empty: not written.</summary>
    public string GeneratedCertFile { get; set; } = "";
}
