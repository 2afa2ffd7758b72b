using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

/// <summary>
/// AES in counter mode (RFC 3711 §4.1.1) over .NET's AES-ECB: counter blocks are built in a reused
/// buffer and encrypted by one ICryptoTransform kept for the key's life, so applying the keystream to
/// a packet allocates nothing and costs one native call per 64 blocks. Not thread-safe.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    private const int ChunkBlocks = 64;
    private readonly Aes aes;
    private readonly ICryptoTransform ecb;
    private readonly byte[] counters = new byte[ChunkBlocks * 16];
    private readonly byte[] keystream = new byte[ChunkBlocks * 16];

    public AesCounterMode(ReadOnlySpan<byte> key)
    {
        aes = Aes.Create();
        aes.Key = key.ToArray();
        aes.Mode = CipherMode.ECB;
        aes.Padding = PaddingMode.None;
        ecb = aes.CreateEncryptor();
    }

    /// <summary>
    /// XORs <paramref name="data"/> with the keystream that starts at counter block <paramref name="iv"/>.
    /// Block j uses the IV plus j in its low 32 bits; SRTP's IVs end in sixteen zero bits and a packet
    /// stays under 2^16 blocks, so this equals the RFC's 128-bit addition.
    /// </summary>
    public void Apply(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        var low = BinaryPrimitives.ReadUInt32BigEndian(iv[12..]);
        var block = 0u;
        while (!data.IsEmpty)
        {
            var blocks = Math.Min(ChunkBlocks, (data.Length + 15) / 16);
            for (var i = 0; i < blocks; i++)
            {
                var counter = counters.AsSpan(i * 16, 16);
                iv[..12].CopyTo(counter);
                BinaryPrimitives.WriteUInt32BigEndian(counter[12..], low + block++);
            }

            ecb.TransformBlock(counters, 0, blocks * 16, keystream, 0);
            var take = Math.Min(data.Length, blocks * 16);
            Xor(data[..take], keystream.AsSpan(0, take));
            data = data[take..];
        }
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> key)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && data.Length >= Vector<byte>.Count)
        {
            var d = MemoryMarshal.Cast<byte, Vector<byte>>(data);
            var k = MemoryMarshal.Cast<byte, Vector<byte>>(key);
            for (var v = 0; v < d.Length; v++)
            {
                d[v] ^= k[v];
            }

            i = d.Length * Vector<byte>.Count;
        }

        for (; i < data.Length; i++)
        {
            data[i] ^= key[i];
        }
    }

    public void Dispose()
    {
        ecb.Dispose();
        aes.Dispose();
    }
}
