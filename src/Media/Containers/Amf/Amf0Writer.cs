using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Text;

namespace OrleansLive.Media.Containers.Amf;

/// <summary>Encodes AMF0 values into a buffer writer.</summary>
public static class Amf0Writer
{
    /// <summary>Guards against cyclic object graphs handed to <see cref="WriteValue"/>.</summary>
    private const int MaxDepth = 64;

    public static void WriteNumber(IBufferWriter<byte> output, double value)
    {
        var span = output.GetSpan(9);
        span[0] = Amf0Marker.Number;
        BinaryPrimitives.WriteDoubleBigEndian(span.Slice(1), value);
        output.Advance(9);
    }

    public static void WriteBoolean(IBufferWriter<byte> output, bool value)
    {
        var span = output.GetSpan(2);
        span[0] = Amf0Marker.Boolean;
        span[1] = value ? (byte)1 : (byte)0;
        output.Advance(2);
    }

    /// <summary>Writes a string, or a long string when its UTF-8 form exceeds 65535 bytes.</summary>
    public static void WriteString(IBufferWriter<byte> output, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var byteCount = Encoding.UTF8.GetByteCount(value);
        if (byteCount <= ushort.MaxValue)
        {
            var span = output.GetSpan(3 + byteCount);
            span[0] = Amf0Marker.String;
            BinaryPrimitives.WriteUInt16BigEndian(span.Slice(1), (ushort)byteCount);
            Encoding.UTF8.GetBytes(value, span.Slice(3));
            output.Advance(3 + byteCount);
        }
        else
        {
            var span = output.GetSpan(5 + byteCount);
            span[0] = Amf0Marker.LongString;
            BinaryPrimitives.WriteUInt32BigEndian(span.Slice(1), (uint)byteCount);
            Encoding.UTF8.GetBytes(value, span.Slice(5));
            output.Advance(5 + byteCount);
        }
    }

    public static void WriteNull(IBufferWriter<byte> output) => WriteMarker(output, Amf0Marker.Null);

    public static void WriteUndefined(IBufferWriter<byte> output) => WriteMarker(output, Amf0Marker.Undefined);

    /// <summary>Writes a date: milliseconds since the Unix epoch (UTC) and a zero time zone.
    /// Unspecified kinds are taken as UTC.</summary>
    public static void WriteDate(IBufferWriter<byte> output, DateTime value)
    {
        if (value.Kind == DateTimeKind.Local)
        {
            value = value.ToUniversalTime();
        }

        var ms = (value.Ticks - DateTime.UnixEpoch.Ticks) / (double)TimeSpan.TicksPerMillisecond;
        var span = output.GetSpan(11);
        span[0] = Amf0Marker.Date;
        BinaryPrimitives.WriteDoubleBigEndian(span.Slice(1), ms);
        span[9] = 0;
        span[10] = 0;
        output.Advance(11);
    }

    /// <summary>Writes the properties as an anonymous object, whatever its IsEcmaArray says.</summary>
    public static void WriteObject(IBufferWriter<byte> output, AmfObject value) => WriteObject(output, value, 0);

    /// <summary>Writes the properties as an ECMA array, whatever its IsEcmaArray says.</summary>
    public static void WriteEcmaArray(IBufferWriter<byte> output, AmfObject value) => WriteEcmaArray(output, value, 0);

    public static void WriteStrictArray(IBufferWriter<byte> output, IEnumerable<object?> values) =>
        WriteStrictArray(output, values, 0);

    /// <summary>
    /// Writes any supported .NET value: null, bool, string, any numeric primitive (as a double),
    /// DateTime, AmfObject (object or ECMA array per IsEcmaArray), key/value sequences (as objects)
    /// and other sequences (as strict arrays).
    /// </summary>
    /// <exception cref="ArgumentException">The type has no AMF0 form, or the graph nests too deeply.</exception>
    public static void WriteValue(IBufferWriter<byte> output, object? value) => WriteValue(output, value, 0);

    private static void WriteValue(IBufferWriter<byte> output, object? value, int depth)
    {
        switch (value)
        {
            case null:
                WriteNull(output);
                break;
            case string s:
                WriteString(output, s);
                break;
            case double d:
                WriteNumber(output, d);
                break;
            case int i:
                WriteNumber(output, i);
                break;
            case long l:
                WriteNumber(output, l);
                break;
            case bool b:
                WriteBoolean(output, b);
                break;
            case uint ui:
                WriteNumber(output, ui);
                break;
            case float f:
                WriteNumber(output, f);
                break;
            case short sh:
                WriteNumber(output, sh);
                break;
            case ushort us:
                WriteNumber(output, us);
                break;
            case byte by:
                WriteNumber(output, by);
                break;
            case sbyte sb:
                WriteNumber(output, sb);
                break;
            case ulong ul:
                WriteNumber(output, ul);
                break;
            case decimal m:
                WriteNumber(output, (double)m);
                break;
            case DateTime dt:
                WriteDate(output, dt);
                break;
            case AmfObject o when o.IsEcmaArray:
                WriteEcmaArray(output, o, depth);
                break;
            case AmfObject o:
                WriteObject(output, o, depth);
                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                WriteObject(output, pairs, depth);
                break;
            case IEnumerable<object?> list:
                WriteStrictArray(output, list, depth);
                break;
            case IEnumerable other:
                WriteStrictArray(output, other.Cast<object?>(), depth);
                break;
            default:
                throw new ArgumentException($"{value.GetType()} has no AMF0 encoding", nameof(value));
        }
    }

    private static void WriteObject(IBufferWriter<byte> output, IEnumerable<KeyValuePair<string, object?>> value, int depth)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckDepth(depth);
        WriteMarker(output, Amf0Marker.Object);
        WriteProperties(output, value, depth);
    }

    private static void WriteEcmaArray(IBufferWriter<byte> output, AmfObject value, int depth)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckDepth(depth);
        var span = output.GetSpan(5);
        span[0] = Amf0Marker.EcmaArray;
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(1), (uint)value.Count);
        output.Advance(5);
        WriteProperties(output, value, depth);
    }

    private static void WriteStrictArray(IBufferWriter<byte> output, IEnumerable<object?> values, int depth)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckDepth(depth);
        var items = values as IReadOnlyCollection<object?> ?? values.ToList();
        var span = output.GetSpan(5);
        span[0] = Amf0Marker.StrictArray;
        BinaryPrimitives.WriteUInt32BigEndian(span.Slice(1), (uint)items.Count);
        output.Advance(5);
        foreach (var item in items)
        {
            WriteValue(output, item, depth + 1);
        }
    }

    private static void WriteProperties(IBufferWriter<byte> output, IEnumerable<KeyValuePair<string, object?>> pairs, int depth)
    {
        foreach (var (key, item) in pairs)
        {
            WritePropertyName(output, key);
            WriteValue(output, item, depth + 1);
        }

        // End of properties: an empty name followed by the object end marker.
        var span = output.GetSpan(3);
        span[0] = 0;
        span[1] = 0;
        span[2] = Amf0Marker.ObjectEnd;
        output.Advance(3);
    }

    private static void WritePropertyName(IBufferWriter<byte> output, string key)
    {
        var byteCount = Encoding.UTF8.GetByteCount(key);
        if (byteCount > ushort.MaxValue)
        {
            throw new ArgumentException("AMF0 property names are limited to 65535 UTF-8 bytes", nameof(key));
        }

        var span = output.GetSpan(2 + byteCount);
        BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)byteCount);
        Encoding.UTF8.GetBytes(key, span.Slice(2));
        output.Advance(2 + byteCount);
    }

    private static void WriteMarker(IBufferWriter<byte> output, byte marker)
    {
        output.GetSpan(1)[0] = marker;
        output.Advance(1);
    }

    private static void CheckDepth(int depth)
    {
        if (depth >= MaxDepth)
        {
            throw new ArgumentException($"AMF0 value nests deeper than {MaxDepth} (a cycle?)");
        }
    }
}
