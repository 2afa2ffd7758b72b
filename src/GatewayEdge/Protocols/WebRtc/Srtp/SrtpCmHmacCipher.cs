using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

/// <summary>
/// AES_CM_128 with HMAC-SHA1 (RFC 3711 §4.1.1, §4.2). The HMAC is an IncrementalHash kept per cipher
/// and fed the packet and the ROC in two appends, so a tag costs no allocation.
/// </summary>
internal sealed class SrtpCmHmacCipher : SrtpCipher
{
    private const int IndexWordLength = 4;
    private readonly AesCounterMode counter;
    private readonly IncrementalHash hmac;
    private readonly byte[] salt;

    public SrtpCmHmacCipher(SrtpSessionKeys keys, int tagLength)
        : base(tagLength)
    {
        counter = new AesCounterMode(keys.CipherKey);
        hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, keys.AuthKey);
        salt = keys.Salt;
    }

    public override int RtcpIndexOffset(int length) => length - TagLength - IndexWordLength;

    public override int ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index)
    {
        Span<byte> iv = stackalloc byte[16];
        Iv(iv, ssrc, index);
        counter.Apply(iv, packet[headerLength..length]);
        Tag(packet[..length], (uint)(index >> 16), packet.Slice(length, TagLength));
        return length + TagLength;
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index)
    {
        var length = packet.Length - TagLength;
        Span<byte> tag = stackalloc byte[TagLength];
        Tag(packet[..length], (uint)(index >> 16), tag);
        if (!CryptographicOperations.FixedTimeEquals(tag, packet[length..]))
        {
            return false;
        }

        Span<byte> iv = stackalloc byte[16];
        Iv(iv, ssrc, index);
        counter.Apply(iv, packet[headerLength..length]);
        return true;
    }

    public override int ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index)
    {
        Span<byte> iv = stackalloc byte[16];
        Iv(iv, ssrc, index);
        counter.Apply(iv, packet[8..length]);
        BinaryPrimitives.WriteUInt32BigEndian(packet[length..], 0x8000_0000u | index);
        var authenticated = length + IndexWordLength;
        Tag(packet[..authenticated], null, packet.Slice(authenticated, TagLength));
        return authenticated + TagLength;
    }

    public override bool UnprotectRtcp(Span<byte> packet, uint ssrc, uint index, bool encrypted)
    {
        var authenticated = packet.Length - TagLength;
        Span<byte> tag = stackalloc byte[TagLength];
        Tag(packet[..authenticated], null, tag);
        if (!CryptographicOperations.FixedTimeEquals(tag, packet[authenticated..]))
        {
            return false;
        }

        if (encrypted)
        {
            Span<byte> iv = stackalloc byte[16];
            Iv(iv, ssrc, index);
            counter.Apply(iv, packet[8..(authenticated - IndexWordLength)]);
        }

        return true;
    }

    /// <summary>IV = (k_s·2^16) XOR (SSRC·2^64) XOR (i·2^16).</summary>
    private void Iv(Span<byte> iv, uint ssrc, ulong index)
    {
        salt.CopyTo(iv);
        iv[14] = 0;
        iv[15] = 0;
        Span<byte> mix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(mix, ssrc);
        for (var i = 0; i < 4; i++)
        {
            iv[4 + i] ^= mix[i];
        }

        BinaryPrimitives.WriteUInt64BigEndian(mix, index);
        for (var i = 2; i < 8; i++)
        {
            iv[6 + i] ^= mix[i];
        }
    }

    /// <summary>HMAC-SHA1 over the authenticated portion (and the ROC for SRTP), truncated.</summary>
    private void Tag(ReadOnlySpan<byte> authenticated, uint? roc, Span<byte> tag)
    {
        hmac.AppendData(authenticated);
        if (roc is { } r)
        {
            Span<byte> rocBytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(rocBytes, r);
            hmac.AppendData(rocBytes);
        }

        Span<byte> digest = stackalloc byte[20];
        hmac.GetHashAndReset(digest);
        digest[..tag.Length].CopyTo(tag);
    }

    public override void Dispose()
    {
        counter.Dispose();
        hmac.Dispose();
    }
}
