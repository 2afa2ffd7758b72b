using System.Buffers.Binary;
using System.Security.Cryptography;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>
/// Server side of the RTMP handshake. Flash-era clients (and ffmpeg when playing) expect the
/// undocumented "complex" handshake: C1/S1 hold an HMAC-SHA256 digest at an offset derived from
/// the packet itself, and S2 is signed with a key derived from C1's digest. Clients that send no
/// valid digest get the simple handshake of the published spec (S2 echoes C1).
/// </summary>
/// <remarks>
/// C1/S1 layout (1536 bytes): time(4) version(4) then two 764-byte blocks, key and digest. Schema 0
/// puts the key block first, schema 1 the digest block first. A digest block starts with 4 offset
/// bytes whose sum mod 728 locates the 32-byte digest within the rest of the block.
/// C2 is read but not validated (as SRS does): players differ too much in what they send.
/// </remarks>
public static class RtmpHandshake
{
    public const int C0C1Size = 1 + PacketSize;
    public const int C2Size = PacketSize;
    public const int S0S1S2Size = 1 + 2 * PacketSize;

    /// <summary>The only RTMP version in use (C0/S0). 6 would be RTMPE, which is not supported.</summary>
    public const byte Version = 3;

    private const int PacketSize = 1536;
    private const int DigestLength = 32;
    private const int BlockSize = 764;
    private const int DigestSpan = BlockSize - 4 - DigestLength; // 728 possible digest positions
    private const int PlayerKeyOpenLength = 30;
    private const int ServerKeyOpenLength = 36;

    // "Genuine Adobe Flash Player 001" followed by 32 fixed bytes; only the text signs C1.
    private static readonly byte[] PlayerKey =
    [
        .. "Genuine Adobe Flash Player 001"u8,
        0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
        0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
    ];

    // "Genuine Adobe Flash Media Server 001" plus the same 32 bytes: the text signs S1, all 68 bytes
    // derive the S2 key.
    private static readonly byte[] ServerKey =
    [
        .. "Genuine Adobe Flash Media Server 001"u8,
        0xF0, 0xEE, 0xC2, 0x4A, 0x80, 0x68, 0xBE, 0xE8, 0x2E, 0x00, 0xD0, 0xD1, 0x02, 0x9E, 0x7E, 0x57,
        0x6E, 0xEC, 0x5D, 0x2D, 0x29, 0x80, 0x6F, 0xAB, 0x93, 0xB8, 0xE6, 0x36, 0xCF, 0xEB, 0x31, 0xAE,
    ];

    /// <summary>
    /// Builds S0+S1+S2 for the client's C0+C1: the complex form when C1 carries a valid digest
    /// (schema 1 or 0), the simple form otherwise.
    /// </summary>
    /// <exception cref="RtmpProtocolException">C0C1 is not 1537 bytes or C0 is not version 3.</exception>
    public static byte[] CreateResponse(ReadOnlySpan<byte> c0c1, out bool complex)
    {
        if (c0c1.Length != C0C1Size)
        {
            throw new RtmpProtocolException($"RTMP handshake C0C1 must be {C0C1Size} bytes, got {c0c1.Length}");
        }

        if (c0c1[0] != Version)
        {
            throw new RtmpProtocolException($"Unsupported RTMP version {c0c1[0]} in C0 (expected {Version})");
        }

        var c1 = c0c1.Slice(1);
        var response = new byte[S0S1S2Size];
        response[0] = Version;
        var s1 = response.AsSpan(1, PacketSize);
        var s2 = response.AsSpan(1 + PacketSize, PacketSize);

        BinaryPrimitives.WriteUInt32BigEndian(s1, (uint)Environment.TickCount64);
        RandomNumberGenerator.Fill(s1.Slice(8));

        complex = TryFindClientDigest(c1, out var schema, out var clientDigestOffset);
        if (!complex)
        {
            // Simple handshake: zero version in S1 and S2 echoes C1.
            s1.Slice(4, 4).Clear();
            c1.CopyTo(s2);
            return response;
        }

        // A server version with a major >= 3 makes clients such as ffmpeg verify our digests.
        BinaryPrimitives.WriteUInt32BigEndian(s1.Slice(4), 0x04050001);
        ImprintDigest(s1, schema, ServerKey.AsSpan(0, ServerKeyOpenLength));

        // S2: random bytes signed with HMAC(full server key, C1 digest) as the key.
        Span<byte> s2Key = stackalloc byte[DigestLength];
        HMACSHA256.HashData(ServerKey, c1.Slice(clientDigestOffset, DigestLength), s2Key);
        RandomNumberGenerator.Fill(s2.Slice(0, PacketSize - DigestLength));
        HMACSHA256.HashData(s2Key, s2.Slice(0, PacketSize - DigestLength), s2.Slice(PacketSize - DigestLength));
        return response;
    }

    /// <summary>Looks for a valid client digest in C1 (1536 bytes, without C0), schema 1 first.</summary>
    public static bool TryFindClientDigest(ReadOnlySpan<byte> c1, out int schema, out int digestOffset)
    {
        if (c1.Length == PacketSize)
        {
            for (schema = 1; schema >= 0; schema--)
            {
                digestOffset = DigestOffset(c1, schema);
                if (DigestMatches(c1, digestOffset, PlayerKey.AsSpan(0, PlayerKeyOpenLength)))
                {
                    return true;
                }
            }
        }

        schema = -1;
        digestOffset = -1;
        return false;
    }

    /// <summary>Builds a client C0+C1 (for tests and tools): complex ones carry a digest signed
    /// with the Flash Player key in the given schema (0 or 1).</summary>
    public static byte[] CreateClientC0C1(bool complex, int schema = 1)
    {
        ValidateSchema(schema);
        var c0c1 = new byte[C0C1Size];
        c0c1[0] = Version;
        var c1 = c0c1.AsSpan(1);
        RandomNumberGenerator.Fill(c1.Slice(8));
        if (complex)
        {
            // A Flash Player style version (9.0.124.2) signals a digest is present.
            BinaryPrimitives.WriteUInt32BigEndian(c1.Slice(4), 0x09007C02);
            ImprintDigest(c1, schema, PlayerKey.AsSpan(0, PlayerKeyOpenLength));
        }
        else
        {
            c1.Slice(4, 4).Clear();
        }

        return c0c1;
    }

    /// <summary>Client-side check that S1 (1536 bytes, without S0) carries a valid server digest
    /// in the given schema.</summary>
    public static bool ValidateServerS1(ReadOnlySpan<byte> s1, int schema)
    {
        ValidateSchema(schema);
        return s1.Length == PacketSize && DigestMatches(s1, DigestOffset(s1, schema), ServerKey.AsSpan(0, ServerKeyOpenLength));
    }

    /// <summary>Client-side check that S2 (1536 bytes) is signed for the digest in the client's C1.</summary>
    public static bool ValidateServerS2(ReadOnlySpan<byte> s2, ReadOnlySpan<byte> c1)
    {
        if (s2.Length != PacketSize || !TryFindClientDigest(c1, out _, out var offset))
        {
            return false;
        }

        Span<byte> key = stackalloc byte[DigestLength];
        Span<byte> expected = stackalloc byte[DigestLength];
        HMACSHA256.HashData(ServerKey, c1.Slice(offset, DigestLength), key);
        HMACSHA256.HashData(key, s2.Slice(0, PacketSize - DigestLength), expected);
        return CryptographicOperations.FixedTimeEquals(expected, s2.Slice(PacketSize - DigestLength));
    }

    private static int DigestOffset(ReadOnlySpan<byte> packet, int schema)
    {
        // Schema 0: time, version, key block, digest block. Schema 1: digest block before the key.
        var block = schema == 0 ? 8 + BlockSize : 8;
        var sum = packet[block] + packet[block + 1] + packet[block + 2] + packet[block + 3];
        return block + 4 + sum % DigestSpan;
    }

    private static void ImprintDigest(Span<byte> packet, int schema, ReadOnlySpan<byte> key)
    {
        var offset = DigestOffset(packet, schema);
        Span<byte> digest = stackalloc byte[DigestLength];
        ComputeDigest(packet, offset, key, digest);
        digest.CopyTo(packet.Slice(offset));
    }

    private static bool DigestMatches(ReadOnlySpan<byte> packet, int offset, ReadOnlySpan<byte> key)
    {
        Span<byte> digest = stackalloc byte[DigestLength];
        ComputeDigest(packet, offset, key, digest);
        return CryptographicOperations.FixedTimeEquals(digest, packet.Slice(offset, DigestLength));
    }

    // HMAC-SHA256 over the packet with the 32 digest bytes left out.
    private static void ComputeDigest(ReadOnlySpan<byte> packet, int offset, ReadOnlySpan<byte> key, Span<byte> digest)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(packet.Slice(0, offset));
        hmac.AppendData(packet.Slice(offset + DigestLength));
        hmac.GetHashAndReset(digest);
    }

    private static void ValidateSchema(int schema)
    {
        if (schema is not (0 or 1))
        {
            throw new ArgumentOutOfRangeException(nameof(schema), schema, "Handshake schema must be 0 or 1");
        }
    }
}
