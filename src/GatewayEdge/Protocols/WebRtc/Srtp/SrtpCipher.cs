namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

/// <summary>
/// One profile's packet transform under one set of session keys. The context has parsed the packet,
/// chosen the index and checked replay; a cipher only encrypts, authenticates and lays out the trailer.
/// Every method works in place on the caller's buffer.
/// </summary>
internal abstract class SrtpCipher : IDisposable
{
    protected SrtpCipher(int tagLength) => TagLength = tagLength;

    public int TagLength { get; }

    /// <summary>Where the E flag and SRTCP index word sits in a protected packet of <paramref name="length"/> bytes.</summary>
    public abstract int RtcpIndexOffset(int length);

    /// <summary>Protects packet[..length] whose header is packet[..headerLength]; returns the protected length.</summary>
    public abstract int ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index);

    /// <summary>Checks and decrypts a whole protected packet; the plaintext is packet[..^TagLength].</summary>
    public abstract bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index);

    /// <summary>Encrypts packet[8..length], writes the E flag and index and the tag; returns the protected length.</summary>
    public abstract int ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index);

    /// <summary>Checks (and when <paramref name="encrypted"/>, decrypts) a whole SRTCP packet.</summary>
    public abstract bool UnprotectRtcp(Span<byte> packet, uint ssrc, uint index, bool encrypted);

    public abstract void Dispose();

    public static SrtpCipher Create(SrtpProfile profile, SrtpSessionKeys keys, bool rtcp) => profile.IsAead()
        ? new SrtpGcmCipher(keys)
        : new SrtpCmHmacCipher(keys, rtcp ? profile.RtcpTagLength() : profile.RtpTagLength());
}
