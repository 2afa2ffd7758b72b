using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Stun;

/// <summary>
/// Writes one STUN message: header, attributes in the order added (padded to four bytes), then
/// optionally MESSAGE-INTEGRITY and FINGERPRINT, which must come last and in that order.
/// </summary>
public sealed class StunMessageBuilder
{
    private readonly byte _padding;
    private byte[] _buffer = new byte[128];
    private int _length = StunMessage.HeaderSize;

    /// <param name="padding">The byte that fills attribute padding. Receivers ignore it; zero is
    /// usual, and RFC 5769's vectors use 0x20.</param>
    public StunMessageBuilder(ushort type, ReadOnlySpan<byte> transactionId, byte padding = 0)
    {
        if (transactionId.Length != StunMessage.TransactionIdSize)
        {
            throw new ArgumentException("A STUN transaction id is 12 bytes.", nameof(transactionId));
        }

        _padding = padding;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer, type);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(4), StunMessage.MagicCookie);
        transactionId.CopyTo(_buffer.AsSpan(8));
    }

    public StunMessageBuilder Add(ushort type, ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
        {
            throw new ArgumentException("A STUN attribute holds at most 65535 bytes.", nameof(value));
        }

        var padded = (value.Length + 3) & ~3;
        Reserve(4 + padded);
        var at = _buffer.AsSpan(_length);
        BinaryPrimitives.WriteUInt16BigEndian(at, type);
        BinaryPrimitives.WriteUInt16BigEndian(at[2..], (ushort)value.Length);
        value.CopyTo(at[4..]);
        at.Slice(4 + value.Length, padded - value.Length).Fill(_padding);
        _length += 4 + padded;
        return this;
    }

    public StunMessageBuilder AddUsername(string username) => Add(StunAttributeType.Username, Encoding.UTF8.GetBytes(username));

    public StunMessageBuilder AddSoftware(string software) => Add(StunAttributeType.Software, Encoding.UTF8.GetBytes(software));

    public StunMessageBuilder AddPriority(uint priority)
    {
        Span<byte> value = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value, priority);
        return Add(StunAttributeType.Priority, value);
    }

    public StunMessageBuilder AddUseCandidate() => Add(StunAttributeType.UseCandidate, []);

    public StunMessageBuilder AddIceControlling(ulong tieBreaker) => AddUInt64(StunAttributeType.IceControlling, tieBreaker);

    public StunMessageBuilder AddIceControlled(ulong tieBreaker) => AddUInt64(StunAttributeType.IceControlled, tieBreaker);

    /// <summary>ERROR-CODE: class and number from <paramref name="code"/> (300..699) and a reason phrase.</summary>
    public StunMessageBuilder AddErrorCode(int code, string reason)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(code, 300);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(code, 699);
        var phrase = Encoding.UTF8.GetBytes(reason);
        var value = new byte[4 + phrase.Length];
        value[2] = (byte)(code / 100);
        value[3] = (byte)(code % 100);
        phrase.CopyTo(value, 4);
        return Add(StunAttributeType.ErrorCode, value);
    }

    /// <summary>XOR-MAPPED-ADDRESS (RFC 8489 14.2): port XOR the cookie's top half, address XOR the
    /// cookie (IPv4) or the cookie and transaction id (IPv6).</summary>
    public StunMessageBuilder AddXorMappedAddress(IPEndPoint endPoint)
    {
        var address = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        var ipv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var size = ipv6 ? 16 : 4;
        Span<byte> value = stackalloc byte[4 + 16];
        value[0] = 0;
        value[1] = (byte)(ipv6 ? 2 : 1);
        BinaryPrimitives.WriteUInt16BigEndian(value[2..], (ushort)(endPoint.Port ^ (StunMessage.MagicCookie >> 16)));
        address.TryWriteBytes(value[4..], out _);
        for (var i = 0; i < size; i++)
        {
            value[4 + i] ^= _buffer[4 + i];
        }

        return Add(StunAttributeType.XorMappedAddress, value[..(4 + size)]);
    }

    /// <summary>The finished message: MESSAGE-INTEGRITY when a key is given (HMAC-SHA1 with the
    /// short-term password, or a long-term key), then FINGERPRINT when asked. Finishes the builder:
    /// call it once.</summary>
    public byte[] ToArray(ReadOnlySpan<byte> integrityKey = default, bool fingerprint = true)
    {
        if (!integrityKey.IsEmpty)
        {
            Span<byte> mac = stackalloc byte[20];
            StunMessage.ComputeIntegrity(_buffer.AsSpan(0, _length), integrityKey, mac);
            Add(StunAttributeType.MessageIntegrity, mac);
        }

        if (fingerprint)
        {
            SetLength(_length - StunMessage.HeaderSize + 8);
            var crc = StunCrc32.Compute(_buffer.AsSpan(0, _length)) ^ StunMessage.FingerprintXor;
            Span<byte> value = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(value, crc);
            Add(StunAttributeType.Fingerprint, value);
        }

        SetLength(_length - StunMessage.HeaderSize);
        return _buffer.AsSpan(0, _length).ToArray();
    }

    private StunMessageBuilder AddUInt64(ushort type, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return Add(type, bytes);
    }

    private void SetLength(int length) => BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(2), (ushort)length);

    private void Reserve(int more)
    {
        if (_length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
        }
    }
}
