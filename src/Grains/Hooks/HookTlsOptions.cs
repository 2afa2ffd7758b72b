namespace OrleansLive.Grains.Hooks;

/// <summary>
/// How hook and on_forward backend calls to https:// URLs check the backend's certificate
/// (configuration section "Hooks"). SRS accepts any certificate; here the system's trust store
/// decides, plus the certificates in <see cref="TrustedCertFile"/>, unless
/// <see cref="VerifyCertificate"/> is false.
/// </summary>
public sealed class HookTlsOptions
{
    public const string Section = "Hooks";

    /// <summary>PEM file of certificates to trust besides the system's: a private CA, or a backend's
    /// self-signed certificate itself. The host name must still match.</summary>
    public string TrustedCertFile { get; set; } = "";

    /// <summary>False: any certificate is accepted, as SRS does (for test backends only).</summary>
    public bool VerifyCertificate { get; set; } = true;
}
