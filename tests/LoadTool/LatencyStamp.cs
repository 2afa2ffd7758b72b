using System.Buffers.Binary;
using System.Diagnostics;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.LoadTool;

/// <summary>
/// The publisher's send time inside an AVC video payload, as the first NAL unit: an SEI
/// user_data_unregistered message with our UUID and the monotonic clock
/// (<see cref="Stopwatch.GetTimestamp"/>, CLOCK_MONOTONIC on Linux, so the same clock in every
/// process of the machine) as 16 hex digits. Hex digits are never zero bytes, so the SEI needs no
/// emulation prevention. Servers relay payload bytes untouched, so FLV and RTMP players read it back at
/// a fixed offset without parsing the rest of the frame, and HTTP-TS players find it near the start
/// of the access unit.
/// </summary>
public static class LatencyStamp
{
    /// <summary>FLV AVC video header (frame/codec byte, AVCPacketType, composition time).</summary>
    public const int VideoHeaderSize = 5;

    /// <summary>NAL header, payload type, payload size, UUID, 16 hex digits, rbsp trailing bits.</summary>
    public const int SeiNalSize = 1 + 1 + 1 + 16 + 16 + 1;

    /// <summary>Bytes the stamp adds to a frame: the 4-byte NAL length and the SEI.</summary>
    public const int Size = 4 + SeiNalSize;

    /// <summary>Bytes of a video payload a player must see to read the stamp.</summary>
    public const int PrefixBytes = VideoHeaderSize + Size;

    private const int DigitsOffset = VideoHeaderSize + 4 + 3 + 16;

    private static readonly byte[] Uuid = "OrleansLiveStamp"u8.ToArray();

    /// <summary>The SEI NAL header, payload type 5 (user_data_unregistered), payload size, UUID.</summary>
    private static readonly byte[] SeiHead = [0x06, 5, 16 + 16, .. Uuid];

    /// <summary>Writes the length-prefixed SEI (with a zero stamp) at <paramref name="dest"/>.</summary>
    public static void WriteSei(Span<byte> dest)
    {
        BinaryPrimitives.WriteInt32BigEndian(dest, SeiNalSize);
        dest[4] = 0x06; // nal_unit_type 6: SEI
        dest[5] = 5; // user_data_unregistered
        dest[6] = 16 + 16;
        Uuid.CopyTo(dest[7..]);
        dest[7 + 16 + 16] = 0x80;
        WriteDigits(dest.Slice(7 + 16, 16), 0);
    }

    /// <summary>Puts the current time into a payload that has the SEI right after the video header.</summary>
    public static long Stamp(Span<byte> payload)
    {
        var now = Stopwatch.GetTimestamp();
        WriteDigits(payload.Slice(DigitsOffset, 16), now);
        return now;
    }

    public static bool TryRead(ReadOnlySpan<byte> payloadPrefix, out long timestamp)
    {
        timestamp = 0;
        return payloadPrefix.Length >= PrefixBytes
            && payloadPrefix.Slice(VideoHeaderSize + 4, SeiHead.Length).SequenceEqual(SeiHead)
            && TryReadDigits(payloadPrefix.Slice(DigitsOffset, 16), out timestamp);
    }

    /// <summary>
    /// Finds the stamp in an Annex B access unit (MPEG-TS): the muxer puts an access unit delimiter,
    /// and on keyframes the parameter sets, before the SEI, so it is searched for in the first
    /// <paramref name="searchBytes"/> bytes rather than read at a fixed offset.
    /// </summary>
    public static bool TryReadAnnexB(ReadOnlySpan<byte> accessUnit, out long timestamp, int searchBytes = 1024)
    {
        timestamp = 0;
        var head = accessUnit[..Math.Min(accessUnit.Length, searchBytes)];
        var at = head.IndexOf(SeiHead);
        return at >= 0
            && accessUnit.Length >= at + SeiHead.Length + 16
            && TryReadDigits(accessUnit.Slice(at + SeiHead.Length, 16), out timestamp);
    }

    /// <summary>Every stamp in <paramref name="data"/> (an fMP4 part: AVCC samples in an mdat), up to
    /// <paramref name="stamps"/>' length; returns how many.</summary>
    public static int ReadAll(ReadOnlySpan<byte> data, Span<long> stamps)
    {
        var count = 0;
        while (count < stamps.Length)
        {
            var at = data.IndexOf(SeiHead);
            if (at < 0 || data.Length < at + SeiHead.Length + 16)
            {
                break;
            }
            if (TryReadDigits(data.Slice(at + SeiHead.Length, 16), out var stamp))
            {
                stamps[count++] = stamp;
            }
            data = data[(at + SeiHead.Length)..];
        }
        return count;
    }

    private static bool TryReadDigits(ReadOnlySpan<byte> digits, out long timestamp)
    {
        timestamp = 0;
        long value = 0;
        foreach (var c in digits)
        {
            var digit = c is >= (byte)'0' and <= (byte)'9' ? c - '0' : c is >= (byte)'a' and <= (byte)'f' ? c - 'a' + 10 : -1;
            if (digit < 0)
            {
                return false;
            }
            value = (value << 4) | (uint)digit;
        }
        timestamp = value;
        return true;
    }

    private static void WriteDigits(Span<byte> dest, long value)
    {
        for (var i = 15; i >= 0; i--)
        {
            var digit = (int)(value & 0xF);
            dest[i] = (byte)(digit < 10 ? '0' + digit : 'a' + digit - 10);
            value >>= 4;
        }
    }
}
