using System.Buffers;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.Media.Containers.Amf;

namespace OrleansLive.UnitTests;

public class RtmpCommandTests
{
    // Chunk stream bytes ffmpeg 5.1 sent after the handshake for `ffmpeg -i rtmp://127.0.0.1:19350/live/livestream`:
    // the connect command in a 128-byte chunk plus a fmt 3 continuation.
    private const string FfmpegPlayConnectChunks =
        "030000000000c51400000000020007636f6e6e656374003ff00000000000000300036170700200046c6976650008666c61736856" +
        "657202000d4c4e5820392c302c3132342c320005746355726c02001b72746d703a2f2f3132372e302e302e313a31393335302f6c" +
        "6976650004667061640100000c6361706162696c697469657300402e000000000000000bc3617564696f436f646563730040afce" +
        "0000000000000b766964656f436f6465637300406f800000000000000d766964656f46756e6374696f6e003ff000000000000000" +
        "0009";

    // The same when publishing (`-f flv rtmp://...`).
    private const string FfmpegPublishConnectChunks =
        "0300000000008c1400000000020007636f6e6e656374003ff00000000000000300036170700200046c6976650004747970650200" +
        "0a6e6f6e707269766174650008666c617368566572020024464d4c452f332e302028636f6d70617469626c653b204c6176663539" +
        "2e32372e313030290005746355726c02001b72746d703a2f2f3132372e302e302e313a31c3393335302f6c697665000009";

    // The onMetaData script tag body of an ffmpeg-made FLV (640x360 H.264 + AAC).
    private const string FfmpegOnMetaData =
        "02000a6f6e4d65746144617461080000000d00086475726174696f6e003ff147ae147ae148000577696474680040840000000000" +
        "000006686569676874004076800000000000000d766964656f646174617261746500000000000000000000096672616d65726174" +
        "65004039000000000000000c766964656f636f646563696400401c000000000000000d617564696f646174617261746500405f40" +
        "0000000000000f617564696f73616d706c65726174650040e5888000000000000f617564696f73616d706c6573697a6500403000" +
        "0000000000000673746572656f0101000c617564696f636f64656369640040240000000000000007656e636f64657202000d4c61" +
        "766635392e32372e313030000866696c6573697a650040fb05f000000000000009";

    private static RtmpMessage ReadSingleMessage(string chunkHex)
    {
        using var reader = new RtmpChunkReader();
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString(chunkHex));
        Assert.True(reader.TryReadMessage(ref buffer, out var message));
        Assert.True(buffer.IsEmpty);
        return message;
    }

    [Fact]
    public void Parses_ffmpeg_play_connect()
    {
        var message = ReadSingleMessage(FfmpegPlayConnectChunks);
        Assert.Equal(RtmpMessageType.CommandAmf0, message.TypeId);
        Assert.Equal(3, message.ChunkStreamId);
        Assert.Equal(0u, message.StreamId);
        Assert.Equal(197, message.Length);

        var command = RtmpCommand.Parse(message.Payload, amf3: false);
        message.ReturnBuffer();
        Assert.Equal("connect", command.Name);
        Assert.Equal(1.0, command.TransactionId);
        Assert.Empty(command.Arguments);
        var obj = Assert.IsType<AmfObject>(command.CommandObject);
        Assert.Equal("live", obj.GetString("app"));
        Assert.Equal("LNX 9,0,124,2", obj.GetString("flashVer"));
        Assert.Equal("rtmp://127.0.0.1:19350/live", obj.GetString("tcUrl"));
        Assert.Equal(false, obj["fpad"]);
        Assert.Equal(15.0, obj.GetNumber("capabilities"));
        Assert.Equal(4071.0, obj.GetNumber("audioCodecs"));
        Assert.Equal(252.0, obj.GetNumber("videoCodecs"));
        Assert.Equal(1.0, obj.GetNumber("videoFunction"));
    }

    [Fact]
    public void Parses_ffmpeg_publish_connect()
    {
        var message = ReadSingleMessage(FfmpegPublishConnectChunks);
        var command = RtmpCommand.Parse(message.Payload, amf3: false);
        message.ReturnBuffer();
        var obj = Assert.IsType<AmfObject>(command.CommandObject);
        Assert.Equal(["app", "type", "flashVer", "tcUrl"], obj.Select(kv => kv.Key));
        Assert.Equal("nonprivate", obj.GetString("type"));
        Assert.Equal("FMLE/3.0 (compatible; Lavf59.27.100)", obj.GetString("flashVer"));
    }

    [Fact]
    public void Written_command_parses_back()
    {
        var output = new ArrayBufferWriter<byte>();
        var properties = new AmfObject { { "fmsVer", "FMS/3,5,3,888" }, { "capabilities", 127.0 }, { "mode", 1.0 } };
        var information = new AmfObject
        {
            { "level", "status" },
            { "code", "NetConnection.Connect.Success" },
            { "description", "Connection succeeded." },
            { "objectEncoding", 0.0 },
        };
        RtmpCommand.Write(output, "_result", 1, properties, information);

        var command = RtmpCommand.Parse(output.WrittenSpan, amf3: false);
        Assert.Equal("_result", command.Name);
        Assert.Equal(1.0, command.TransactionId);
        Assert.Equal("FMS/3,5,3,888", Assert.IsType<AmfObject>(command.CommandObject).GetString("fmsVer"));
        var arg = Assert.IsType<AmfObject>(Assert.Single(command.Arguments));
        Assert.Equal("NetConnection.Connect.Success", arg.GetString("code"));
    }

    [Fact]
    public void Publish_command_has_null_object_and_arguments()
    {
        var output = new ArrayBufferWriter<byte>();
        RtmpCommand.Write(output, "publish", 5, null, "livestream?token=x", "live");
        var command = RtmpCommand.Parse(output.WrittenSpan, amf3: false);
        Assert.Null(command.CommandObject);
        Assert.Equal(new object?[] { "livestream?token=x", "live" }, command.Arguments);
    }

    [Fact]
    public void Command_without_object_is_accepted()
    {
        var output = new ArrayBufferWriter<byte>();
        Amf0Writer.WriteString(output, "closeStream");
        Amf0Writer.WriteNumber(output, 0);
        var command = RtmpCommand.Parse(output.WrittenSpan, amf3: false);
        Assert.Equal("closeStream", command.Name);
        Assert.Null(command.CommandObject);
        Assert.Empty(command.Arguments);
    }

    [Fact]
    public void Amf3_command_skips_the_format_byte()
    {
        var output = new ArrayBufferWriter<byte>();
        output.GetSpan(1)[0] = 0;
        output.Advance(1);
        RtmpCommand.Write(output, "createStream", 2, null);
        var command = RtmpCommand.Parse(output.WrittenSpan, amf3: true);
        Assert.Equal("createStream", command.Name);
        Assert.Equal(2.0, command.TransactionId);
    }

    [Theory]
    [InlineData("")] // nothing
    [InlineData("003FF0000000000000")] // a number where the name belongs
    [InlineData("020007636F6E6E656374")] // name without transaction id
    [InlineData("020007636F6E6E6563740200017A")] // transaction id is not a number
    [InlineData("020007636F6E6E656374003FF00000")] // truncated transaction id
    [InlineData("020007636F6E6E656374003FF00000000000000300036170")] // truncated object
    public void Malformed_commands_throw(string hex) =>
        Assert.Throws<Amf0Exception>(() => RtmpCommand.Parse(Convert.FromHexString(hex), amf3: false));

    [Theory]
    [InlineData("")]
    [InlineData("07")]
    public void Malformed_amf3_commands_throw(string hex) =>
        Assert.Throws<Amf0Exception>(() => RtmpCommand.Parse(Convert.FromHexString(hex), amf3: true));

    [Fact]
    public void Parses_ffmpeg_onMetaData()
    {
        var data = RtmpDataMessage.Parse(Convert.FromHexString(FfmpegOnMetaData), amf3: false);
        Assert.Equal("onMetaData", data.Name);
        Assert.True(data.IsMetaData);
        var meta = data.MetaData;
        Assert.NotNull(meta);
        Assert.True(meta.IsEcmaArray);
        Assert.Equal(13, meta.Count);
        Assert.Equal(640.0, meta.GetNumber("width"));
        Assert.Equal(360.0, meta.GetNumber("height"));
        Assert.Equal(7.0, meta.GetNumber("videocodecid"));
        Assert.Equal(10.0, meta.GetNumber("audiocodecid"));
        Assert.Equal(true, meta["stereo"]);
        Assert.Equal("Lavf59.27.100", meta.GetString("encoder"));
    }

    [Fact]
    public void Parses_setDataFrame_wrapped_metadata()
    {
        var meta = new AmfObject { { "width", 1280.0 }, { "height", 720.0 } };
        meta.IsEcmaArray = true;
        var output = new ArrayBufferWriter<byte>();
        RtmpDataMessage.Write(output, RtmpDataMessage.SetDataFrame, RtmpDataMessage.OnMetaData, meta);

        var data = RtmpDataMessage.Parse(output.WrittenSpan, amf3: false);
        Assert.Equal("@setDataFrame", data.Name);
        Assert.Equal("onMetaData", data.Values[0]);
        Assert.True(data.IsMetaData);
        Assert.Equal(1280.0, data.MetaData!.GetNumber("width"));
    }

    [Fact]
    public void Amf3_data_message_skips_the_format_byte()
    {
        var output = new ArrayBufferWriter<byte>();
        output.GetSpan(1)[0] = 0;
        output.Advance(1);
        RtmpDataMessage.Write(output, "onMetaData", new AmfObject { { "fps", 30.0 } });
        var data = RtmpDataMessage.Parse(output.WrittenSpan, amf3: true);
        Assert.Equal(30.0, data.MetaData!.GetNumber("fps"));
    }

    [Fact]
    public void Other_data_messages_have_no_metadata()
    {
        var output = new ArrayBufferWriter<byte>();
        RtmpDataMessage.Write(output, "onTextData", new AmfObject { { "text", "hi" } });
        var data = RtmpDataMessage.Parse(output.WrittenSpan, amf3: false);
        Assert.False(data.IsMetaData);
        Assert.Null(data.MetaData);
        Assert.Throws<Amf0Exception>(() => RtmpDataMessage.Parse([0x05], amf3: false));
    }
}
