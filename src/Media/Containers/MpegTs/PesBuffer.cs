using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.Media.Containers.MpegTs;

/// <summary>
/// A reusable buffer holding one PES: the elementary stream is appended behind room kept for
/// the header, which <see cref="Finish"/> fills in once the payload size is known.
/// </summary>
internal sealed class PesBuffer(int capacity)
{
    // 9 fixed header bytes + PTS + DTS.
    private const int HeaderRoom = 19;
    private const long ClockMask = (1L << 33) - 1;

    private byte[] _buffer = new byte[capacity];
    private int _length = HeaderRoom;

    public int PayloadLength => _length - HeaderRoom;

    public void Clear() => _length = HeaderRoom;

    public void Append(ReadOnlySpan<byte> data) => data.CopyTo(Append(data.Length));

    public Span<byte> Append(int length)
    {
        if (_length + length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + length));
        }
        var span = _buffer.AsSpan(_length, length);
        _length += length;
        return span;
    }

    /// <summary>
    /// Writes the PES header and returns the whole PES. PES_packet_length is 0 (unbounded) for
    /// video, which the standard allows only there, and for payloads too large to count.
    /// </summary>
    public ReadOnlySpan<byte> Finish(byte streamId, long pts, long dts, bool video)
    {
        pts &= ClockMask;
        dts &= ClockMask;
        var withDts = pts != dts;
        var headerLength = withDts ? 19 : 14;
        var start = HeaderRoom - headerLength;
        var header = _buffer.AsSpan(start, headerLength);
        var packetLength = headerLength - 6 + PayloadLength;
        if (video || packetLength > ushort.MaxValue)
        {
            packetLength = 0;
        }
        header[0] = 0;
        header[1] = 0;
        header[2] = 1;
        header[3] = streamId;
        header[4] = (byte)(packetLength >> 8);
        header[5] = (byte)packetLength;
        header[6] = 0x80; // '10' marker, not scrambled
        header[7] = (byte)(withDts ? 0xC0 : 0x80);
        header[8] = (byte)(headerLength - 9);
        WriteTimestamp(header[9..], withDts ? 0x3 : 0x2, pts);
        if (withDts)
        {
            WriteTimestamp(header[14..], 0x1, dts);
        }
        return _buffer.AsSpan(start, _length - start);
    }

    /// <summary>33-bit PTS/DTS split 3+15+15 with marker bits, behind a 4-bit prefix.</summary>
    private static void WriteTimestamp(Span<byte> dest, int prefix, long value)
    {
        dest[0] = (byte)((prefix << 4) | (int)((value >> 29) & 0x0E) | 1);
        dest[1] = (byte)(value >> 22);
        dest[2] = (byte)(((value >> 14) & 0xFE) | 1);
        dest[3] = (byte)(value >> 7);
        dest[4] = (byte)(((value << 1) & 0xFE) | 1);
    }
}
