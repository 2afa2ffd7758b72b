using System.Buffers;
using OrleansLive.Media.Containers.Amf;

namespace OrleansLive.UnitTests;

public class Amf0Tests
{
    private static byte[] Encode(object? value)
    {
        var output = new ArrayBufferWriter<byte>();
        Amf0Writer.WriteValue(output, value);
        return output.WrittenSpan.ToArray();
    }

    private static object? RoundTrip(object? value)
    {
        var bytes = Encode(value);
        var reader = new Amf0Reader(bytes);
        Assert.True(reader.TryReadValue(out var decoded));
        Assert.Equal(bytes.Length, reader.Position);
        Assert.False(reader.TryReadValue(out _));
        return decoded;
    }

    private static object? Decode(string hex)
    {
        var reader = new Amf0Reader(Convert.FromHexString(hex));
        reader.TryReadValue(out var value);
        return value;
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-123.456)]
    [InlineData(double.MaxValue)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Number_round_trips(double value) => Assert.Equal(value, RoundTrip(value));

    [Fact]
    public void Number_is_big_endian_double() =>
        Assert.Equal(Convert.FromHexString("003FF0000000000000"), Encode(1.0));

    [Fact]
    public void Integer_types_are_written_as_numbers()
    {
        Assert.Equal(42.0, RoundTrip(42));
        Assert.Equal(5_000_000_000.0, RoundTrip(5_000_000_000L));
        Assert.Equal(7.0, RoundTrip((uint)7));
        Assert.Equal(3.0, RoundTrip((byte)3));
    }

    [Theory]
    [InlineData(true, "0101")]
    [InlineData(false, "0100")]
    public void Boolean_round_trips(bool value, string hex)
    {
        Assert.Equal(Convert.FromHexString(hex), Encode(value));
        Assert.Equal(value, RoundTrip(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("live")]
    [InlineData("rtmp://127.0.0.1/live?vhost=a&token=b")]
    [InlineData("中文 ünïcödé 🎥")]
    public void String_round_trips(string value) => Assert.Equal(value, RoundTrip(value));

    [Fact]
    public void String_encoding_has_16_bit_length() =>
        Assert.Equal(Convert.FromHexString("0200026162"), Encode("ab"));

    [Fact]
    public void Long_string_is_used_above_65535_bytes()
    {
        var exact = new string('x', 65535);
        Assert.Equal(Amf0Marker.String, Encode(exact)[0]);
        Assert.Equal(exact, RoundTrip(exact));

        var longer = new string('y', 70_000);
        var bytes = Encode(longer);
        Assert.Equal(Amf0Marker.LongString, bytes[0]);
        Assert.Equal(Convert.FromHexString("0C00011170"), bytes[..5]);
        Assert.Equal(longer, RoundTrip(longer));
    }

    [Fact]
    public void Null_and_undefined_read_as_null()
    {
        var output = new ArrayBufferWriter<byte>();
        Amf0Writer.WriteNull(output);
        Amf0Writer.WriteUndefined(output);
        Assert.Equal(new byte[] { 0x05, 0x06 }, output.WrittenSpan.ToArray());
        Assert.Equal(new object?[] { null, null }, Amf0Reader.ReadAll(output.WrittenSpan));
        Assert.Null(RoundTrip(null));
    }

    [Fact]
    public void Date_round_trips_as_utc()
    {
        var date = new DateTime(2024, 5, 17, 13, 45, 12, 345, DateTimeKind.Utc);
        var bytes = Encode(date);
        Assert.Equal(11, bytes.Length);
        Assert.Equal(Amf0Marker.Date, bytes[0]);
        var decoded = Assert.IsType<DateTime>(RoundTrip(date));
        Assert.Equal(date, decoded);
        Assert.Equal(DateTimeKind.Utc, decoded.Kind);
    }

    [Fact]
    public void Date_of_epoch_decodes()
    {
        Assert.Equal(DateTime.UnixEpoch, Decode("0B00000000000000000000"));
    }

    [Fact]
    public void Object_round_trips_with_order_and_nesting()
    {
        var inner = new AmfObject { { "level", "status" }, { "code", "NetStream.Publish.Start" } };
        var obj = new AmfObject
        {
            { "zeta", 1.0 },
            { "alpha", "a" },
            { "Alpha", true },
            { "nested", inner },
            { "nothing", null },
            { "list", new List<object?> { 1.0, "two", null } },
        };

        var decoded = Assert.IsType<AmfObject>(RoundTrip(obj));
        Assert.False(decoded.IsEcmaArray);
        Assert.Equal(["zeta", "alpha", "Alpha", "nested", "nothing", "list"], decoded.Select(kv => kv.Key));
        Assert.Equal("a", decoded.GetString("alpha"));
        Assert.Equal(true, decoded["Alpha"]);
        Assert.Equal(1.0, decoded.GetNumber("zeta"));
        var decodedInner = Assert.IsType<AmfObject>(decoded["nested"]);
        Assert.Equal("NetStream.Publish.Start", decodedInner.GetString("code"));
        Assert.True(decoded.TryGetValue("nothing", out var nothing));
        Assert.Null(nothing);
        Assert.Equal(new List<object?> { 1.0, "two", null }, decoded["list"]);
    }

    [Fact]
    public void Object_encoding_ends_with_end_marker() =>
        Assert.Equal(Convert.FromHexString("030001610101000009"), Encode(new AmfObject { { "a", true } }));

    [Fact]
    public void Empty_object_round_trips()
    {
        Assert.Equal(Convert.FromHexString("03000009"), Encode(new AmfObject()));
        Assert.Empty(Assert.IsType<AmfObject>(RoundTrip(new AmfObject())));
    }

    [Fact]
    public void Ecma_array_round_trips()
    {
        var array = new AmfObject { { "duration", 0.0 }, { "width", 640.0 }, { "encoder", "Lavf" } };
        array.IsEcmaArray = true;
        var bytes = Encode(array);
        Assert.Equal(Convert.FromHexString("0800000003"), bytes[..5]);
        var decoded = Assert.IsType<AmfObject>(RoundTrip(array));
        Assert.True(decoded.IsEcmaArray);
        Assert.Equal(3, decoded.Count);
        Assert.Equal(640.0, decoded.GetNumber("width"));
        Assert.Equal("Lavf", decoded.GetString("encoder"));
    }

    [Fact]
    public void Ecma_array_count_is_only_a_hint()
    {
        // Declares 5 entries but holds one; the end marker decides.
        var decoded = Assert.IsType<AmfObject>(Decode("080000000500016101010000090500"));
        Assert.Single(decoded);
        Assert.Equal(true, decoded["a"]);
    }

    [Fact]
    public void Strict_array_round_trips()
    {
        var list = new List<object?> { 1.0, "x", new AmfObject { { "k", "v" } }, new List<object?> { true }, null };
        var output = new ArrayBufferWriter<byte>();
        Amf0Writer.WriteStrictArray(output, list);
        Assert.Equal(Convert.FromHexString("0A00000005"), output.WrittenSpan[..5].ToArray());
        var decoded = Assert.IsType<List<object?>>(RoundTrip(list));
        Assert.Equal(5, decoded.Count);
        Assert.Equal(1.0, decoded[0]);
        Assert.Equal("x", decoded[1]);
        Assert.Equal("v", Assert.IsType<AmfObject>(decoded[2]).GetString("k"));
        Assert.Equal(new List<object?> { true }, decoded[3]);
        Assert.Null(decoded[4]);
    }

    [Fact]
    public void Arrays_of_value_types_are_written_as_strict_arrays() =>
        Assert.Equal(new List<object?> { 1.0, 2.0 }, RoundTrip(new[] { 1, 2 }));

    [Fact]
    public void Typed_object_reads_as_object() =>
        Assert.Equal("v", Assert.IsType<AmfObject>(Decode("10000343617400016B020001760000090500")).GetString("k"));

    [Fact]
    public void Xml_document_reads_as_string() => Assert.Equal("<a/>", Decode("0F000000043C612F3E"));

    [Fact]
    public void Several_values_read_in_sequence()
    {
        var output = new ArrayBufferWriter<byte>();
        Amf0Writer.WriteString(output, "connect");
        Amf0Writer.WriteNumber(output, 1);
        Amf0Writer.WriteNull(output);
        var reader = new Amf0Reader(output.WrittenSpan);
        Assert.True(reader.TryReadValue(out var a));
        Assert.Equal(10, reader.Position);
        Assert.True(reader.TryReadValue(out var b));
        Assert.True(reader.TryReadValue(out var c));
        Assert.False(reader.TryReadValue(out _));
        Assert.True(reader.IsAtEnd);
        Assert.Equal(("connect", 1.0, (object?)null), (a, b, c));
    }

    [Theory]
    [InlineData("003FF000")] // number cut short
    [InlineData("01")] // boolean without its byte
    [InlineData("0200")] // string length cut short
    [InlineData("0200056162")] // string body cut short
    [InlineData("0C0000000A6162")] // long string body cut short
    [InlineData("0300016101")] // object property value cut short
    [InlineData("03000161010100")] // object without end marker
    [InlineData("030001610101")] // object ends after a property
    [InlineData("08000000010001610101")] // ECMA array without end marker
    [InlineData("0A000000020101")] // strict array with fewer elements than declared
    [InlineData("0B3FF00000")] // date cut short
    [InlineData("0B0000000000000000")] // date without time zone
    public void Truncated_data_throws(string hex)
        => Assert.Throws<Amf0Exception>(() => Decode(hex));

    [Theory]
    [InlineData("42")] // unknown marker
    [InlineData("11")] // AMF3 switch
    [InlineData("070001")] // reference
    [InlineData("04")] // movie clip (reserved)
    [InlineData("09")] // object end outside an object
    [InlineData("0B7FF80000000000000000")] // NaN date
    public void Unsupported_or_bad_markers_throw(string hex)
        => Assert.Throws<Amf0Exception>(() => Decode(hex));

    [Fact]
    public void Nesting_up_to_the_limit_is_accepted_and_deeper_throws()
    {
        Assert.IsType<List<object?>>(Decode(NestedArrays(Amf0Reader.MaxDepth)));
        Assert.Throws<Amf0Exception>(() => Decode(NestedArrays(Amf0Reader.MaxDepth + 1)));

        // Objects count the same way.
        var deepObjects = string.Concat(Enumerable.Repeat("0300016B", 40)) + "05" + string.Concat(Enumerable.Repeat("000009", 40));
        Assert.Throws<Amf0Exception>(() => Decode(deepObjects));
    }

    private static string NestedArrays(int depth) =>
        string.Concat(Enumerable.Repeat("0A00000001", depth)) + "05";

    [Fact]
    public void Too_many_elements_throw()
    {
        // A strict array that declares more elements than allowed fails before allocating.
        Assert.Throws<Amf0Exception>(() => Decode("0A7FFFFFFF05"));
        Assert.Throws<Amf0Exception>(() => Decode("0A0000271105"));

        // An object with one property too many.
        var output = new ArrayBufferWriter<byte>();
        var big = new AmfObject();
        for (var i = 0; i <= Amf0Reader.MaxElements; i++)
        {
            big.Add("k", null);
        }

        Amf0Writer.WriteObject(output, big);
        Assert.Throws<Amf0Exception>(() => Amf0Reader.ReadAll(output.WrittenSpan));

        big.Remove("k");
        for (var i = 0; i < Amf0Reader.MaxElements; i++)
        {
            big.Add("k", null);
        }

        output.Clear();
        Amf0Writer.WriteObject(output, big);
        Assert.Equal(Amf0Reader.MaxElements, Assert.IsType<AmfObject>(Amf0Reader.ReadAll(output.WrittenSpan)[0]).Count);
    }

    [Fact]
    public void Amf0_exception_is_the_format_library_s_format_exception() =>
        Assert.IsAssignableFrom<FormatException>(Assert.Throws<Amf0Exception>(() => Decode("42")));

    [Fact]
    public void Writer_rejects_unknown_types_and_cycles()
    {
        Assert.Throws<ArgumentException>(() => Encode(new object()));
        var cyclic = new AmfObject();
        cyclic.Add("self", cyclic);
        Assert.Throws<ArgumentException>(() => Encode(cyclic));
    }

    [Fact]
    public void AmfObject_lookup_semantics()
    {
        var obj = new AmfObject { { "app", "live" }, { "n", 3.0 } };
        Assert.Null(obj["missing"]);
        Assert.Null(obj["APP"]); // keys are case-sensitive
        Assert.Null(obj.GetString("n"));
        Assert.Null(obj.GetNumber("app"));
        Assert.False(obj.TryGetValue("missing", out _));

        obj["app"] = "other";
        obj["added"] = 1.0;
        Assert.Equal(["app", "n", "added"], obj.Select(kv => kv.Key));
        Assert.Equal("other", obj.GetString("app"));
        Assert.Equal(3, obj.Count);
        Assert.True(obj.Remove("n"));
        Assert.False(obj.ContainsKey("n"));
    }
}
