using System.Buffers.Binary;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

/// <summary>
/// SRTP and SRTCP (RFC 3711, RFC 7714) for one direction of one session: build one from the local
/// master key to protect what is sent and one from the remote master key to unprotect what arrives.
/// </summary>
/// <remarks>
/// Everything works in place on the caller's buffer. Session keys are derived once; the AES, HMAC and
/// GCM objects live as long as the context, and per-packet scratch is on the stack, so protecting or
/// unprotecting a packet allocates nothing. That matters because the fan-out hot path is one
/// ProtectRtp per packet per player: about 1.5 µs (AES-CM, HMAC-SHA1) or 1 µs (AES-GCM) per
/// 1200-byte packet on the development machine. Per-SSRC state is created on an SSRC's first packet
/// (inbound: only once that packet authenticates) and capped at the constructor's maxStreams, so a
/// peer cannot grow it without bound. Not thread-safe: one owner drives each context.
/// </remarks>
public sealed class SrtpContext : IDisposable
{
    public const int DefaultMaxStreams = 64;
    private const int RtcpHeaderLength = 8;
    private const int RtcpIndexLength = 4;
    private const uint MaxRtcpIndex = 0x7FFF_FFFF;

    private readonly SrtpCipher rtp;
    private readonly SrtpCipher rtcp;
    private readonly Dictionary<uint, SrtpStream> streams = [];
    private readonly int maxStreams;

    public SrtpContext(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, int maxStreams = DefaultMaxStreams)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxStreams, 1);
        Profile = profile;
        this.maxStreams = maxStreams;
        rtp = SrtpCipher.Create(profile, SrtpKeyDerivation.Rtp(profile, masterKey, masterSalt), rtcp: false);
        rtcp = SrtpCipher.Create(profile, SrtpKeyDerivation.Rtcp(profile, masterKey, masterSalt), rtcp: true);
    }

    public SrtpProfile Profile { get; }

    /// <summary>Bytes ProtectRtp adds after the packet.</summary>
    public int RtpOverhead => rtp.TagLength;

    /// <summary>Bytes ProtectRtcp adds after the packet (the E flag and index word and the tag).</summary>
    public int RtcpOverhead => rtcp.TagLength + RtcpIndexLength;

    /// <summary>SSRCs with state in this context.</summary>
    public int StreamCount => streams.Count;

    /// <summary>
    /// Protects the RTP packet in buffer[..length] in place and appends the tag; buffer needs
    /// <see cref="RtpOverhead"/> bytes of room after the packet. Returns the SRTP length. The ROC
    /// follows the sequence numbers: a wrap 65535 → 0 moves it on, a retransmission of an older
    /// number keeps the ROC it was first sent with.
    /// </summary>
    public int ProtectRtp(Span<byte> buffer, int length)
    {
        CheckRoom(buffer, length, RtpOverhead);
        if (!TryGetRtpHeaderLength(buffer[..length], out var headerLength))
        {
            throw new ArgumentException("not an RTP packet", nameof(buffer));
        }

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[8..]);
        var seq = BinaryPrimitives.ReadUInt16BigEndian(buffer[2..]);
        var stream = OutboundStream(ssrc);
        if (!SrtpStream.TryEstimateIndex(stream.Sent, stream.SentHighest, seq, out var index))
        {
            throw new InvalidOperationException($"SRTP index space of SSRC {ssrc} is exhausted; the session must rekey");
        }

        if (!stream.Sent || index > stream.SentHighest)
        {
            stream.Sent = true;
            stream.SentHighest = index;
        }

        return rtp.ProtectRtp(buffer, headerLength, length, ssrc, index);
    }

    /// <summary>
    /// Authenticates and decrypts the SRTP packet that fills <paramref name="packet"/>, in place.
    /// False (and nothing learned) for a malformed, forged, replayed or too-old packet, or a new SSRC
    /// past the cap; the bytes may then be garbled. On true the RTP packet is packet[..length].
    /// </summary>
    public bool UnprotectRtp(Span<byte> packet, out int length)
    {
        length = 0;
        if (packet.Length < 12 + rtp.TagLength || !TryGetRtpHeaderLength(packet[..^rtp.TagLength], out var headerLength))
        {
            return false;
        }

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var seq = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        var stream = streams.GetValueOrDefault(ssrc);
        if (stream is null && streams.Count >= maxStreams)
        {
            return false;
        }

        var window = stream?.Rtp ?? default;
        if (!SrtpStream.TryEstimateIndex(window.Started, window.Highest, seq, out var index) || !window.Check(index)
            || !rtp.UnprotectRtp(packet, headerLength, ssrc, index))
        {
            return false;
        }

        stream ??= Add(ssrc);
        stream.Rtp.Accept(index);
        length = packet.Length - rtp.TagLength;
        return true;
    }

    /// <summary>
    /// Protects the (compound) RTCP packet in buffer[..length] in place with the next SRTCP index of
    /// its sender SSRC, E flag set; buffer needs <see cref="RtcpOverhead"/> bytes of room. Returns the
    /// SRTCP length. Like libsrtp, the first index sent is 1 (receivers take any starting index).
    /// </summary>
    public int ProtectRtcp(Span<byte> buffer, int length)
    {
        CheckRoom(buffer, length, RtcpOverhead);
        if (length < RtcpHeaderLength || buffer[0] >> 6 != 2)
        {
            throw new ArgumentException("not an RTCP packet", nameof(buffer));
        }

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer[4..]);
        var stream = OutboundStream(ssrc);
        if (stream.LastRtcpIndex >= MaxRtcpIndex)
        {
            throw new InvalidOperationException($"SRTCP index space of SSRC {ssrc} is exhausted; the session must rekey");
        }

        return rtcp.ProtectRtcp(buffer, length, ssrc, ++stream.LastRtcpIndex);
    }

    /// <summary>
    /// Authenticates and (when its E flag is set) decrypts the SRTCP packet that fills
    /// <paramref name="packet"/>, in place; on true the RTCP packet is packet[..length].
    /// </summary>
    public bool UnprotectRtcp(Span<byte> packet, out int length)
    {
        length = 0;
        if (packet.Length < RtcpHeaderLength + RtcpOverhead || packet[0] >> 6 != 2)
        {
            return false;
        }

        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        var word = BinaryPrimitives.ReadUInt32BigEndian(packet[rtcp.RtcpIndexOffset(packet.Length)..]);
        var index = word & MaxRtcpIndex;
        var stream = streams.GetValueOrDefault(ssrc);
        if (stream is null && streams.Count >= maxStreams)
        {
            return false;
        }

        var window = stream?.Rtcp ?? default;
        if (!window.Check(index) || !rtcp.UnprotectRtcp(packet, ssrc, index, encrypted: (word & 0x8000_0000u) != 0))
        {
            return false;
        }

        stream ??= Add(ssrc);
        stream.Rtcp.Accept(index);
        length = packet.Length - RtcpOverhead;
        return true;
    }

    /// <summary>
    /// RTP/RTCP demultiplexing on one port (RFC 5761 §4): RTCP packet types 192-223 occupy the byte
    /// where RTP has its marker bit and payload type, a range RTP payload types avoid.
    /// </summary>
    public static bool IsRtcp(ReadOnlySpan<byte> packet) => Media.Rtp.RtcpPacketType.IsRtcp(packet);

    /// <summary>RTP header length with CSRCs and extension (RFC 3550 §5.1); false when it does not fit.</summary>
    internal static bool TryGetRtpHeaderLength(ReadOnlySpan<byte> packet, out int headerLength)
    {
        headerLength = 0;
        if (packet.Length < 12 || packet[0] >> 6 != 2)
        {
            return false;
        }

        var length = 12 + 4 * (packet[0] & 0x0F);
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < length + 4)
            {
                return false;
            }

            length += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]);
        }

        if (length > packet.Length)
        {
            return false;
        }

        headerLength = length;
        return true;
    }

    private static void CheckRoom(Span<byte> buffer, int length, int overhead)
    {
        if (length < 0 || length + overhead > buffer.Length)
        {
            throw new ArgumentException($"the buffer needs {overhead} bytes of room after the {length}-byte packet", nameof(buffer));
        }
    }

    private SrtpStream OutboundStream(uint ssrc)
    {
        if (streams.TryGetValue(ssrc, out var stream))
        {
            return stream;
        }

        return streams.Count < maxStreams ? Add(ssrc) : throw new InvalidOperationException($"more than {maxStreams} SSRCs sent in one SRTP context");
    }

    private SrtpStream Add(uint ssrc)
    {
        var stream = new SrtpStream();
        streams.Add(ssrc, stream);
        return stream;
    }

    public void Dispose()
    {
        rtp.Dispose();
        rtcp.Dispose();
    }
}
