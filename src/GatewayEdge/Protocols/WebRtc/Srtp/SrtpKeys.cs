namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

/// <summary>One direction's master key and master salt.</summary>
public sealed class SrtpMasterKey
{
    public SrtpMasterKey(ReadOnlySpan<byte> key, ReadOnlySpan<byte> salt)
    {
        Key = key.ToArray();
        Salt = salt.ToArray();
    }

    public byte[] Key { get; }

    public byte[] Salt { get; }
}

/// <summary>
/// The master keys of one DTLS-SRTP association: <see cref="Local"/> protects what this side sends,
/// <see cref="Remote"/> unprotects what the peer sends.
/// </summary>
public sealed class SrtpKeys(SrtpProfile profile, SrtpMasterKey local, SrtpMasterKey remote)
{
    public SrtpProfile Profile { get; } = profile;

    public SrtpMasterKey Local { get; } = local;

    public SrtpMasterKey Remote { get; } = remote;

    /// <summary>Bytes to ask of the DTLS exporter ("EXTRACTOR-dtls_srtp") for <paramref name="profile"/>.</summary>
    public static int ExportLength(SrtpProfile profile) => 2 * (profile.MasterKeyLength() + profile.MasterSaltLength());

    /// <summary>
    /// Splits the RFC 5764 §4.2 block client_write_key | server_write_key | client_write_salt |
    /// server_write_salt. The DTLS server sends with the server keys and receives with the client keys.
    /// </summary>
    public static SrtpKeys FromDtlsExport(ReadOnlySpan<byte> keyingMaterial, SrtpProfile profile, bool isServer)
    {
        var keyLength = profile.MasterKeyLength();
        var saltLength = profile.MasterSaltLength();
        if (keyingMaterial.Length != ExportLength(profile))
        {
            throw new ArgumentException($"{profile} needs {ExportLength(profile)} bytes of keying material, got {keyingMaterial.Length}", nameof(keyingMaterial));
        }

        var client = new SrtpMasterKey(keyingMaterial[..keyLength], keyingMaterial.Slice(2 * keyLength, saltLength));
        var server = new SrtpMasterKey(keyingMaterial.Slice(keyLength, keyLength), keyingMaterial.Slice(2 * keyLength + saltLength, saltLength));
        return isServer ? new SrtpKeys(profile, server, client) : new SrtpKeys(profile, client, server);
    }

    /// <summary>The context that protects outbound RTP and RTCP.</summary>
    public SrtpContext CreateOutbound(int maxStreams = SrtpContext.DefaultMaxStreams) => new(Profile, Local.Key, Local.Salt, maxStreams);

    /// <summary>The context that unprotects inbound SRTP and SRTCP.</summary>
    public SrtpContext CreateInbound(int maxStreams = SrtpContext.DefaultMaxStreams) => new(Profile, Remote.Key, Remote.Salt, maxStreams);
}
