using System.Buffers.Binary;
using System.Security.Cryptography;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

/// <summary>
/// AEAD_AES_128_GCM / AEAD_AES_256_GCM (RFC 7714): one AesGcm per cipher, encrypting in place with
/// the RTP header (or SRTCP header and index word) as associated data and a 16-byte tag.
/// </summary>
internal sealed class SrtpGcmCipher : SrtpCipher
{
    private const int Tag = 16;
    private const int IndexWordLength = 4;
    private readonly AesGcm gcm;
    private readonly byte[] salt;

    public SrtpGcmCipher(SrtpSessionKeys keys)
        : base(Tag)
    {
        gcm = new AesGcm(keys.CipherKey, Tag);
        salt = keys.Salt;
    }

    public override int RtcpIndexOffset(int length) => length - IndexWordLength;

    public override int ProtectRtp(Span<byte> packet, int headerLength, int length, uint ssrc, ulong index)
    {
        Span<byte> iv = stackalloc byte[12];
        Iv(iv, ssrc, index);
        var payload = packet[headerLength..length];
        gcm.Encrypt(iv, payload, payload, packet.Slice(length, Tag), packet[..headerLength]);
        return length + Tag;
    }

    public override bool UnprotectRtp(Span<byte> packet, int headerLength, uint ssrc, ulong index)
    {
        Span<byte> iv = stackalloc byte[12];
        Iv(iv, ssrc, index);
        var payload = packet[headerLength..^Tag];
        return Decrypt(iv, payload, packet[^Tag..], packet[..headerLength]);
    }

    public override int ProtectRtcp(Span<byte> packet, int length, uint ssrc, uint index)
    {
        Span<byte> iv = stackalloc byte[12];
        Iv(iv, ssrc, index);
        var word = 0x8000_0000u | index;
        Span<byte> aad = stackalloc byte[12];
        packet[..8].CopyTo(aad);
        BinaryPrimitives.WriteUInt32BigEndian(aad[8..], word);
        var payload = packet[8..length];
        gcm.Encrypt(iv, payload, payload, packet.Slice(length, Tag), aad);
        BinaryPrimitives.WriteUInt32BigEndian(packet[(length + Tag)..], word);
        return length + Tag + IndexWordLength;
    }

    public override bool UnprotectRtcp(Span<byte> packet, uint ssrc, uint index, bool encrypted)
    {
        Span<byte> iv = stackalloc byte[12];
        Iv(iv, ssrc, index);
        var tagAt = packet.Length - IndexWordLength - Tag;
        Span<byte> tag = stackalloc byte[Tag];
        packet.Slice(tagAt, Tag).CopyTo(tag);
        if (encrypted)
        {
            Span<byte> aad = stackalloc byte[12];
            packet[..8].CopyTo(aad);
            packet[^IndexWordLength..].CopyTo(aad[8..]);
            return Decrypt(iv, packet[8..tagAt], tag, aad);
        }

        // Unencrypted: the whole packet and the index word are associated data; move the word up
        // against the packet so they are one contiguous span.
        packet[^IndexWordLength..].CopyTo(packet[tagAt..]);
        return Decrypt(iv, [], tag, packet[..(tagAt + IndexWordLength)]);
    }

    private bool Decrypt(ReadOnlySpan<byte> iv, Span<byte> ciphertext, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> aad)
    {
        try
        {
            gcm.Decrypt(iv, ciphertext, tag, ciphertext, aad);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            // The only signal .NET gives for a bad tag; forged packets are the rare path.
            return false;
        }
    }

    /// <summary>IV = salt XOR (0x0000 | SSRC | ROC | SEQ), or for SRTCP (0x0000 | SSRC | 0x0000 | index).</summary>
    private void Iv(Span<byte> iv, uint ssrc, ulong index)
    {
        salt.CopyTo(iv);
        Span<byte> mix = stackalloc byte[12];
        mix.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(mix[2..], ssrc);
        BinaryPrimitives.WriteUInt16BigEndian(mix[6..], (ushort)(index >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(mix[8..], (uint)index);
        for (var i = 0; i < 12; i++)
        {
            iv[i] ^= mix[i];
        }
    }

    public override void Dispose() => gcm.Dispose();
}
