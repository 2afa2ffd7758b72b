using System.Buffers.Binary;
using System.Text;
using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Containers.Amf;

/// <summary>
/// Decodes AMF0 values from a span. number→double, boolean→bool, string/long string/XML→string,
/// null/undefined/unsupported→null, object/typed object→<see cref="AmfObject"/>, ECMA array→
/// <see cref="AmfObject"/> with IsEcmaArray, strict array→<see cref="List{T}"/>, date→UTC DateTime.
/// Input comes from the network, so nesting and container sizes are bounded to keep garbage
/// from costing unbounded stack or memory.
/// </summary>
public ref struct Amf0Reader
{
    /// <summary>Deepest allowed nesting of objects and arrays.</summary>
    public const int MaxDepth = 32;

    /// <summary>Most entries allowed in one object, ECMA array or strict array.</summary>
    public const int MaxElements = 10_000;

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public Amf0Reader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public readonly bool IsAtEnd => _position >= _data.Length;

    /// <summary>Reads the next value; false when the input is exhausted.</summary>
    /// <exception cref="Amf0Exception">The data is malformed, truncated or uses an unsupported type.</exception>
    public bool TryReadValue(out object? value)
    {
        if (IsAtEnd)
        {
            value = null;
            return false;
        }

        value = ReadValue(0);
        return true;
    }

    /// <summary>Reads the next value; throws when the input is exhausted.</summary>
    public object? ReadValue()
    {
        if (IsAtEnd)
        {
            throw new Amf0Exception("AMF0 value expected but the data ended");
        }

        return ReadValue(0);
    }

    /// <summary>Decodes every value in <paramref name="data"/>.</summary>
    public static List<object?> ReadAll(ReadOnlySpan<byte> data)
    {
        var reader = new Amf0Reader(data);
        var values = new List<object?>();
        while (reader.TryReadValue(out var value))
        {
            values.Add(value);
        }

        return values;
    }

    private object? ReadValue(int depth)
    {
        var marker = ReadByte();
        switch (marker)
        {
            case Amf0Marker.Number:
                return ReadDouble();
            case Amf0Marker.Boolean:
                return ReadByte() != 0;
            case Amf0Marker.String:
                return ReadUtf8(ReadUInt16());
            case Amf0Marker.LongString:
            case Amf0Marker.XmlDocument:
                return ReadUtf8(ReadLength32());
            case Amf0Marker.Null:
            case Amf0Marker.Undefined:
            case Amf0Marker.Unsupported:
                return null;
            case Amf0Marker.Object:
                return ReadProperties(new AmfObject(), depth + 1);
            case Amf0Marker.TypedObject:
                ReadUtf8(ReadUInt16()); // the class name has no .NET counterpart; keep the properties
                return ReadProperties(new AmfObject(), depth + 1);
            case Amf0Marker.EcmaArray:
                return ReadEcmaArray(depth + 1);
            case Amf0Marker.StrictArray:
                return ReadStrictArray(depth + 1);
            case Amf0Marker.Date:
                return ReadDate();
            case Amf0Marker.ObjectEnd:
                throw new Amf0Exception($"AMF0 object end marker outside an object at offset {_position - 1}");
            case Amf0Marker.Reference:
                throw new Amf0Exception("AMF0 references are not supported");
            case Amf0Marker.AvmPlus:
                throw new Amf0Exception("AMF3 values inside AMF0 are not supported");
            default:
                throw new Amf0Exception($"Unknown AMF0 marker 0x{marker:X2} at offset {_position - 1}");
        }
    }

    private AmfObject ReadProperties(AmfObject target, int depth)
    {
        CheckDepth(depth);
        while (true)
        {
            var keyLength = ReadUInt16();
            if (keyLength == 0)
            {
                Need(1);
                if (_data[_position] == Amf0Marker.ObjectEnd)
                {
                    _position++;
                    return target;
                }
            }

            if (target.Count >= MaxElements)
            {
                throw new Amf0Exception($"AMF0 object has more than {MaxElements} properties");
            }

            var key = ReadUtf8(keyLength);
            target.Add(key, ReadValue(depth));
        }
    }

    private AmfObject ReadEcmaArray(int depth)
    {
        // The count is only a hint (encoders get it wrong); the end marker terminates.
        var hint = ReadUInt32();
        var capacity = (int)Math.Min(Math.Min(hint, (uint)MaxElements), (uint)Remaining / 3);
        return ReadProperties(new AmfObject(capacity) { IsEcmaArray = true }, depth);
    }

    private DateTime ReadDate()
    {
        var ms = ReadDouble();
        Need(2); // time zone: reserved, always written as 0
        _position += 2;
        return ToDateTime(ms);
    }

    private List<object?> ReadStrictArray(int depth)
    {
        CheckDepth(depth);
        var count = ReadUInt32();
        if (count > MaxElements)
        {
            throw new Amf0Exception($"AMF0 strict array declares {count} elements, more than {MaxElements}");
        }

        // Every element takes at least one byte, so a count beyond the input is truncation.
        if (count > (uint)Remaining)
        {
            throw new Amf0Exception($"AMF0 strict array declares {count} elements but only {Remaining} bytes remain");
        }

        var list = new List<object?>((int)count);
        for (var i = 0; i < count; i++)
        {
            list.Add(ReadValue(depth));
        }

        return list;
    }

    private static void CheckDepth(int depth)
    {
        if (depth > MaxDepth)
        {
            throw new Amf0Exception($"AMF0 nesting deeper than {MaxDepth}");
        }
    }

    private static DateTime ToDateTime(double ms)
    {
        // DateTime spans years 1..9999; anything outside (or NaN) cannot be represented.
        const double minMs = -62135596800000d;
        const double maxMs = 253402300799999d;
        if (!(ms >= minMs && ms <= maxMs))
        {
            throw new Amf0Exception($"AMF0 date {ms} ms is out of range");
        }

        return DateTime.UnixEpoch.AddTicks((long)(ms * TimeSpan.TicksPerMillisecond));
    }

    private void Need(int count)
    {
        if ((uint)count > (uint)(_data.Length - _position))
        {
            throw new Amf0Exception($"AMF0 data truncated: need {count} bytes at offset {_position}, {_data.Length - _position} remain");
        }
    }

    private byte ReadByte()
    {
        Need(1);
        return _data[_position++];
    }

    private ushort ReadUInt16()
    {
        Need(2);
        var v = BinaryPrimitives.ReadUInt16BigEndian(_data.Slice(_position));
        _position += 2;
        return v;
    }

    private uint ReadUInt32()
    {
        Need(4);
        var v = BinaryPrimitives.ReadUInt32BigEndian(_data.Slice(_position));
        _position += 4;
        return v;
    }

    private int ReadLength32()
    {
        var length = ReadUInt32();
        if (length > int.MaxValue)
        {
            throw new Amf0Exception($"AMF0 long string length {length} is too large");
        }

        return (int)length;
    }

    private double ReadDouble()
    {
        Need(8);
        var v = BinaryPrimitives.ReadDoubleBigEndian(_data.Slice(_position));
        _position += 8;
        return v;
    }

    private string ReadUtf8(int length)
    {
        if (length == 0)
        {
            return string.Empty;
        }

        Need(length);
        var s = Encoding.UTF8.GetString(_data.Slice(_position, length));
        _position += length;
        return s;
    }
}
