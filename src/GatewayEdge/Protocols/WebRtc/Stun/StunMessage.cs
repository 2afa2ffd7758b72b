using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Stun;

/// <summary>
/// A parsed STUN message (RFC 8489): the 20-byte header, the attributes in order and the ones ICE
/// reads (USERNAME, PRIORITY, USE-CANDIDATE, ICE-CONTROLLING/CONTROLLED, XOR-MAPPED-ADDRESS,
/// ERROR-CODE). It keeps its own copy of the bytes, because MESSAGE-INTEGRITY and FINGERPRINT are
/// checked over the message as received.
/// </summary>
public sealed class StunMessage
{
    public const uint MagicCookie = 0x2112A442;
    public const int HeaderSize = 20;
    public const uint FingerprintXor = 0x5354554E;
    public const int TransactionIdSize = 12;

    private const int IntegritySize = 20;
    private const int MaxUsernameBytes = 513;

    private readonly byte[] _raw;
    private readonly int _integrityAt;
    private readonly int _fingerprintAt;

    private StunMessage(byte[] raw, List<StunAttribute> attributes, int integrityAt, int fingerprintAt)
    {
        _raw = raw;
        Attributes = attributes;
        _integrityAt = integrityAt;
        _fingerprintAt = fingerprintAt;
        Type = BinaryPrimitives.ReadUInt16BigEndian(raw);
    }

    public ushort Type { get; }

    /// <summary>The 12 bytes that pair a response with its request.</summary>
    public ReadOnlyMemory<byte> TransactionId => _raw.AsMemory(8, TransactionIdSize);

    /// <summary>Every attribute before MESSAGE-INTEGRITY, then MESSAGE-INTEGRITY and FINGERPRINT;
    /// anything else after MESSAGE-INTEGRITY is dropped, as RFC 8489 14.5 asks.</summary>
    public IReadOnlyList<StunAttribute> Attributes { get; }

    public bool IsBindingRequest => Type == StunMessageType.BindingRequest;

    public bool HasMessageIntegrity => _integrityAt >= 0;

    public bool HasFingerprint => _fingerprintAt >= 0;

    public string? Username { get; private set; }

    public string? Software { get; private set; }

    public uint? Priority { get; private set; }

    public bool UseCandidate { get; private set; }

    /// <summary>The tie-breaker of an agent in the controlling role.</summary>
    public ulong? IceControlling { get; private set; }

    public ulong? IceControlled { get; private set; }

    public IPEndPoint? XorMappedAddress { get; private set; }

    /// <summary>ERROR-CODE as the number (300..699) and the reason phrase.</summary>
    public (int Code, string Reason)? Error { get; private set; }

    /// <summary>The bytes as received.</summary>
    public ReadOnlySpan<byte> Raw => _raw;

    /// <summary>Cheap demultiplexing test (RFC 7983, RFC 8489 6): a first byte of 0..3, the magic
    /// cookie, a length that is a multiple of four and fits. DTLS, RTP and RTCP never pass.</summary>
    public static bool IsStun(ReadOnlySpan<byte> data) =>
        data.Length >= HeaderSize && data[0] <= 3
        && BinaryPrimitives.ReadUInt32BigEndian(data[4..]) == MagicCookie
        && BinaryPrimitives.ReadUInt16BigEndian(data[2..]) is var length && (length & 3) == 0 && HeaderSize + length <= data.Length;

    /// <summary>Parses one whole message (a UDP datagram, or one RFC 4571 frame). False for anything
    /// malformed: a bad header, a length that does not match, an attribute that runs past the end,
    /// a known attribute of the wrong size, or an attribute after FINGERPRINT. Never throws.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out StunMessage? message)
    {
        message = null;
        if (!IsStun(data) || HeaderSize + BinaryPrimitives.ReadUInt16BigEndian(data[2..]) != data.Length)
        {
            return false;
        }

        var raw = data.ToArray();
        var attributes = new List<StunAttribute>();
        int integrityAt = -1, fingerprintAt = -1;
        var at = HeaderSize;
        while (at < raw.Length)
        {
            if (fingerprintAt >= 0 || raw.Length - at < 4)
            {
                return false;
            }

            var type = BinaryPrimitives.ReadUInt16BigEndian(raw.AsSpan(at));
            int length = BinaryPrimitives.ReadUInt16BigEndian(raw.AsSpan(at + 2));
            var padded = (length + 3) & ~3;
            if (padded > raw.Length - at - 4)
            {
                return false;
            }

            if (integrityAt < 0 || type == StunAttributeType.Fingerprint)
            {
                if (type == StunAttributeType.MessageIntegrity)
                {
                    integrityAt = at;
                }
                else if (type == StunAttributeType.Fingerprint)
                {
                    fingerprintAt = at;
                }

                attributes.Add(new StunAttribute(type, raw.AsMemory(at + 4, length)));
            }

            at += 4 + padded;
        }

        var parsed = new StunMessage(raw, attributes, integrityAt, fingerprintAt);
        if (!parsed.ReadKnownAttributes())
        {
            return false;
        }

        message = parsed;
        return true;
    }

    /// <summary>Checks MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 14.5): the HMAC of everything before
    /// the attribute, with the header's length counting up to the end of it. For ICE the key is
    /// the short-term password's bytes. False when the attribute is missing.</summary>
    public bool VerifyMessageIntegrity(ReadOnlySpan<byte> key)
    {
        if (_integrityAt < 0)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[IntegritySize];
        ComputeIntegrity(_raw.AsSpan(0, _integrityAt), key, expected);
        return CryptographicOperations.FixedTimeEquals(expected, _raw.AsSpan(_integrityAt + 4, IntegritySize));
    }

    /// <summary>Checks FINGERPRINT: CRC-32 of everything before it, XOR 0x5354554E. False when missing.</summary>
    public bool VerifyFingerprint() =>
        _fingerprintAt >= 0
        && BinaryPrimitives.ReadUInt32BigEndian(_raw.AsSpan(_fingerprintAt + 4)) == (StunCrc32.Compute(_raw.AsSpan(0, _fingerprintAt)) ^ FingerprintXor);

    /// <summary>Splits an ICE USERNAME "receiver-ufrag:sender-ufrag" (RFC 8445 7.2.2).</summary>
    public bool TryGetIceUsername([NotNullWhen(true)] out string? receiverUfrag, [NotNullWhen(true)] out string? senderUfrag)
    {
        receiverUfrag = senderUfrag = null;
        var colon = Username?.IndexOf(':') ?? -1;
        if (colon <= 0 || colon == Username!.Length - 1)
        {
            return false;
        }

        receiverUfrag = Username[..colon];
        senderUfrag = Username[(colon + 1)..];
        return true;
    }

    /// <summary>HMAC-SHA1 over <paramref name="prefix"/> (header and attributes up to where
    /// MESSAGE-INTEGRITY goes) with the length field set as if the message ended after it.</summary>
    internal static void ComputeIntegrity(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> key, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, key);
        Span<byte> header = stackalloc byte[4];
        prefix[..2].CopyTo(header);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(prefix.Length - HeaderSize + 4 + IntegritySize));
        hmac.AppendData(header);
        hmac.AppendData(prefix[4..]);
        hmac.GetHashAndReset(destination);
    }

    private bool ReadKnownAttributes()
    {
        foreach (var attribute in Attributes)
        {
            var value = attribute.Value.Span;
            switch (attribute.Type)
            {
                case StunAttributeType.Username:
                    if (value.Length > MaxUsernameBytes)
                    {
                        return false;
                    }

                    Username ??= Encoding.UTF8.GetString(value);
                    break;
                case StunAttributeType.Software:
                    Software ??= Encoding.UTF8.GetString(value);
                    break;
                case StunAttributeType.MessageIntegrity when value.Length != IntegritySize:
                case StunAttributeType.Fingerprint when value.Length != 4:
                    return false;
                case StunAttributeType.Priority:
                    if (value.Length != 4)
                    {
                        return false;
                    }

                    Priority ??= BinaryPrimitives.ReadUInt32BigEndian(value);
                    break;
                case StunAttributeType.UseCandidate:
                    if (value.Length != 0)
                    {
                        return false;
                    }

                    UseCandidate = true;
                    break;
                case StunAttributeType.IceControlling or StunAttributeType.IceControlled:
                    if (value.Length != 8)
                    {
                        return false;
                    }

                    if (attribute.Type == StunAttributeType.IceControlling)
                    {
                        IceControlling ??= BinaryPrimitives.ReadUInt64BigEndian(value);
                    }
                    else
                    {
                        IceControlled ??= BinaryPrimitives.ReadUInt64BigEndian(value);
                    }

                    break;
                case StunAttributeType.XorMappedAddress:
                    if (!TryReadXorAddress(value, out var address))
                    {
                        return false;
                    }

                    XorMappedAddress ??= address;
                    break;
                case StunAttributeType.ErrorCode:
                    if (value.Length < 4 || value[2] is < 3 or > 6 || value[3] > 99)
                    {
                        return false;
                    }

                    Error ??= ((value[2] * 100) + value[3], Encoding.UTF8.GetString(value[4..]));
                    break;
            }
        }

        return true;
    }

    private bool TryReadXorAddress(ReadOnlySpan<byte> value, [NotNullWhen(true)] out IPEndPoint? address)
    {
        address = null;
        var size = value.Length >= 2 ? value[1] switch { 1 => 4, 2 => 16, _ => -1 } : -1;
        if (size < 0 || value.Length != 4 + size)
        {
            return false;
        }

        var port = BinaryPrimitives.ReadUInt16BigEndian(value[2..]) ^ (ushort)(MagicCookie >> 16);
        Span<byte> ip = stackalloc byte[16];
        for (var i = 0; i < size; i++)
        {
            // The cookie, then (IPv6) the transaction id: the first 16 bytes after the length field.
            ip[i] = (byte)(value[4 + i] ^ _raw[4 + i]);
        }

        address = new IPEndPoint(new IPAddress(ip[..size]), port);
        return true;
    }
}
