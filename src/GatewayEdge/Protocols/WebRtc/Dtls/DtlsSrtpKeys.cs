namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

/// <summary>
/// The exported keying material cut as RFC 5764 4.2 lays it out:
/// client key | server key | client salt | server salt.
/// </summary>
public sealed record DtlsSrtpKeys(byte[] ClientKey, byte[] ServerKey, byte[] ClientSalt, byte[] ServerSalt)
{
    public static DtlsSrtpKeys Split(SrtpProfile profile, ReadOnlySpan<byte> material)
    {
        var keyLength = SrtpProfiles.KeyLength(profile);
        var saltLength = SrtpProfiles.SaltLength(profile);
        if (material.Length != 2 * (keyLength + saltLength))
            throw new ArgumentException($"keying material is {material.Length} bytes, {profile} needs {2 * (keyLength + saltLength)}", nameof(material));
        return new DtlsSrtpKeys(
            material[..keyLength].ToArray(),
            material.Slice(keyLength, keyLength).ToArray(),
            material.Slice(2 * keyLength, saltLength).ToArray(),
            material.Slice(2 * keyLength + saltLength, saltLength).ToArray());
    }
}
