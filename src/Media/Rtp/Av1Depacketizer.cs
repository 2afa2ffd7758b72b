using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Rtp;

/// <summary>
/// AV1 RTP payloads back to temporal units (AOM "RTP Payload Format for AV1", 4.4): each payload is an
/// aggregation header (Z: the first element continues an OBU, Y: the last one goes on in the next
/// packet, W: element count, 0 when each has a length field, N: a new coded video sequence) and OBU
/// elements. The temporal unit ends at the marker bit and comes out in the low-overhead format muxers
/// take (each OBU with its size field; temporal delimiters and tile lists left out). It is a keyframe
/// when it carries a sequence header and its first frame is a shown key frame.
/// </summary>
public sealed class Av1Depacketizer(Action<RtpVideoFrame> onFrame, int maxFrameSize = RtpVideoDepacketizer.DefaultMaxAccessUnitSize)
    : RtpPictureDepacketizer<RtpVideoFrame>(VideoCodecId.Av1, onFrame)
{
    /// <summary>More OBUs than a temporal unit has (a frame, its tile groups, metadata).</summary>
    public const int MaxObusPerTemporalUnit = 1024;

    private readonly List<byte[]> _obus = [];
    private byte[] _fragment = new byte[2048];
    private int _fragmentLength;
    private bool _inFragment;
    private int _size;

    /// <summary>Temporal units discarded (broken, oversized or waiting for a keyframe).</summary>
    public long DroppedFrames => DroppedPictures;

    /// <summary>The aggregation header bits.</summary>
    public static bool TryReadAggregationHeader(ReadOnlySpan<byte> payload, out bool continues, out bool goesOn, out int count, out bool newSequence)
    {
        continues = goesOn = newSequence = false;
        count = 0;
        if (payload.IsEmpty)
        {
            return false;
        }

        continues = (payload[0] & 0x80) != 0;
        goesOn = (payload[0] & 0x40) != 0;
        count = (payload[0] >> 4) & 0x03;
        newSequence = (payload[0] & 0x08) != 0;
        return true;
    }

    private protected override bool Unpack(ReadOnlySpan<byte> payload)
    {
        if (!TryReadAggregationHeader(payload, out var continues, out var goesOn, out var count, out _) || continues != _inFragment)
        {
            return false; // a fragment's start was lost, or one never ended
        }

        var rest = payload[1..];
        var element = 1;
        for (; !rest.IsEmpty; element++)
        {
            int length;
            if (count == 0 || element < count)
            {
                if (!Av1Obu.TryReadLeb128(rest, out var size, out var sizeLength) || size > (ulong)(rest.Length - sizeLength))
                {
                    return false;
                }

                length = (int)size;
                rest = rest[sizeLength..];
            }
            else if (element == count)
            {
                length = rest.Length; // the last of W elements has no length field
            }
            else
            {
                return false; // more data than W elements
            }

            var data = rest[..length];
            rest = rest[length..];
            var last = rest.IsEmpty;
            if (!Take(data, first: element == 1, last, goesOn && last))
            {
                return false;
            }
        }

        // W announces the elements exactly; Y with no element left open is wrong too.
        return (count == 0 || element - 1 == count) && (!goesOn || _inFragment);
    }

    /// <summary>One OBU element: a whole OBU, or a fragment begun, continued or ended.</summary>
    private bool Take(ReadOnlySpan<byte> data, bool first, bool last, bool open)
    {
        if (first && _inFragment)
        {
            if (!Append(data))
            {
                return false;
            }

            if (!(last && open))
            {
                _inFragment = false;
                return Keep(_fragment.AsSpan(0, _fragmentLength));
            }

            return true;
        }

        if (data.IsEmpty)
        {
            return false; // an element holds at least an OBU header
        }

        if (open)
        {
            _inFragment = true;
            _fragmentLength = 0;
            return Append(data);
        }

        return Keep(data);
    }

    private bool Append(ReadOnlySpan<byte> data)
    {
        if (_size + _fragmentLength + data.Length > maxFrameSize)
        {
            return false;
        }

        if (_fragmentLength + data.Length > _fragment.Length)
        {
            Array.Resize(ref _fragment, Math.Max(_fragment.Length * 2, _fragmentLength + data.Length));
        }

        data.CopyTo(_fragment.AsSpan(_fragmentLength));
        _fragmentLength += data.Length;
        return true;
    }

    /// <summary>An OBU as the low-overhead format writes it: header with obu_has_size_field set, the
    /// extension byte if any, LEB128 size, payload. An element that has a size field already keeps it.</summary>
    private bool Keep(ReadOnlySpan<byte> element)
    {
        if (element.IsEmpty || (element[0] & 0x80) != 0 || _obus.Count >= MaxObusPerTemporalUnit)
        {
            return false; // no header, or the forbidden bit
        }

        var header = element[0];
        var headerSize = (header & 0x04) != 0 ? 2 : 1;
        if (element.Length < headerSize)
        {
            return false;
        }

        var payload = element[headerSize..];
        if ((header & 0x02) != 0)
        {
            if (!Av1Obu.TryReadLeb128(payload, out var size, out var sizeLength) || size > (ulong)(payload.Length - sizeLength))
            {
                return false;
            }

            payload = payload.Slice(sizeLength, (int)size);
        }

        var type = (header >> 3) & 0x0F;
        if (type is Av1Obu.TemporalDelimiter or Av1Obu.TileList or Av1Obu.Padding)
        {
            return true;
        }

        var obu = new byte[headerSize + Av1Obu.Leb128Size(payload.Length) + payload.Length];
        if (_size + obu.Length > maxFrameSize)
        {
            return false;
        }

        obu[0] = (byte)(header | 0x02);
        if (headerSize == 2)
        {
            obu[1] = element[1];
        }

        var at = headerSize + Av1Obu.WriteLeb128(obu.AsSpan(headerSize), payload.Length);
        payload.CopyTo(obu.AsSpan(at));
        _obus.Add(obu);
        _size += obu.Length;
        return true;
    }

    /// <summary>A fragment still open at the marker bit breaks the temporal unit.</summary>
    private protected override bool FinishPicture() => !_inFragment;

    private protected override RtpVideoFrame? TakePicture(uint timestamp)
    {
        if (_obus.Count == 0)
        {
            return null;
        }

        var data = new byte[_size];
        var at = 0;
        foreach (var obu in _obus)
        {
            obu.CopyTo(data, at);
            at += obu.Length;
        }

        return new RtpVideoFrame(Codec, timestamp, data, Av1Obu.IsKeyframe(data));
    }

    private protected override bool IsKeyframe(RtpVideoFrame picture) => picture.IsKeyframe;

    private protected override void ResetPicture()
    {
        _obus.Clear();
        _size = 0;
        _inFragment = false;
        _fragmentLength = 0;
    }
}
