using System.Text;
using OrleansLive.GatewayEdge.Protocols.Http;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.SrsConfig;

namespace OrleansLive.UnitTests.Fuzz;

/// <summary>What the fuzz runs found (docs/RELIABILITY.md), each pinned by its regression input in the corpus.</summary>
public sealed class FuzzFindingsTests
{
    private static readonly byte[] OnMetaDataName = [0x02, 0x00, 0x0A, .. "onMetaData"u8];

    public static TheoryData<string, string> RegressionInputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in FuzzTargets.All)
        {
            var directory = Path.Combine(AppContext.BaseDirectory, "Corpus", target.Name);
            foreach (var file in Directory.Exists(directory) ? Directory.GetFiles(directory, "regression-*") : [])
            {
                data.Add(target.Name, Path.GetFileName(file));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RegressionInputs))]
    public void A_regression_input_replays_without_a_finding(string target, string file)
    {
        var fuzz = FuzzTargets.Find(target)!;
        var input = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Corpus", target, file));
        var finding = FuzzRunner.Execute(fuzz, fuzz.Start(), input, out _, out _, out _, out _);
        Assert.True(finding is null, finding?.Message);
    }

    [Fact]
    public void An_amf3_setDataFrame_without_its_format_byte_gives_players_the_metadata()
    {
        // Found by the Amf target: the body was cut one byte off, and the wrapper's length read from the wrong bytes.
        var payload = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Corpus", "Amf", "regression-amf3-setdataframe-without-format-byte.bin"));
        Assert.True(RtmpDataMessage.TryGetMetaDataBody(payload, amf3: true, out var body));
        Assert.True(body.StartsWith(OnMetaDataName));
        Assert.True(RtmpDataMessage.TryGetMetaDataBody([0, .. payload], amf3: true, out var framed));
        Assert.True(framed.SequenceEqual(body));
    }

    [Fact]
    public void A_setDataFrame_name_sent_as_a_long_string_is_skipped_whole()
    {
        byte[] payload = [0x0C, 0, 0, 0, 13, .. "@setDataFrame"u8, .. OnMetaDataName, 0x03, 0, 0, 0x09];
        Assert.True(RtmpDataMessage.TryGetMetaDataBody(payload, amf3: false, out var body));
        Assert.True(body.StartsWith(OnMetaDataName));
    }

    [Fact]
    public void An_abort_naming_a_chunk_stream_over_2_31_is_ignored()
    {
        // Found by the RtmpServer target: RtmpSession passes Abort's 32-bit value as an int, and a
        // negative one indexed the reader's table of chunk streams.
        using var reader = new RtmpChunkReader();
        reader.Abort(unchecked((int)0x80000004));
        reader.Abort(int.MinValue);
        var writer = new RtmpChunkWriter();
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        writer.WriteMessage(output, 4, 0, RtmpMessageType.Audio, 1, [0xAF, 1, 2]);
        var buffer = new System.Buffers.ReadOnlySequence<byte>(output.WrittenMemory);
        Assert.True(reader.TryReadMessage(ref buffer, out var message));
        Assert.Equal(3, message.Length);
        message.ReturnBuffer();
    }

    [Fact]
    public void A_top_level_directive_named_like_a_vhost_setting_is_reported_not_implemented()
    {
        // Found by the SrsConfig target: "vhost.x 1;" outside any vhost block cut the (empty) vhost name.
        var mapping = SrsConfigMapper.Map(SrsConfigParser.ParseText("listen 1935;\nvhost.bogus on;\n", "test.conf", "/"));
        Assert.Contains(mapping.NotImplemented, line => line.StartsWith("vhost.bogus on", StringComparison.Ordinal));
    }

    [Fact]
    public void A_nul_in_an_hls_path_names_no_file()
    {
        // Found by the HttpRequest target: "%00" in a request path made Path.GetFullPath throw.
        Assert.Null(HlsFileServer.FileBelow("/srv/hls", "live/live\0stream.m3u8"));
        Assert.Equal("/srv/hls/live/livestream.m3u8", HlsFileServer.FileBelow("/srv/hls", "live/livestream.m3u8"));
    }

    [Fact]
    public void An_empty_include_or_one_with_a_nul_is_a_configuration_error()
    {
        // Found by the SrsConfig target: an include name with a NUL made Path.GetFullPath throw.
        var text = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Corpus", "SrsConfig", "regression-nul-in-include.conf")));
        var error = Assert.Throws<SrsConfigException>(() => SrsConfigParser.ParseText(text, "test.conf", "/"));
        Assert.Contains("test.conf:2", error.Message);
        // And an empty one (include "";), which made it throw as well.
        var empty = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Corpus", "SrsConfig", "regression-empty-include.conf")));
        Assert.Throws<SrsConfigException>(() => SrsConfigParser.ParseText(empty, "test.conf", "/"));
    }

    [Fact]
    public void A_transport_cc_feedback_claiming_65535_lost_packets_costs_what_it_weighs()
    {
        // Found by the Rtcp target: 40 bytes of run-length chunks made the parser build 65,535 packet entries.
        var input = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Corpus", "Rtcp", "regression-transport-cc-65535-lost.bin"));
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(OrleansLive.Media.Rtp.RtcpCompound.TryParse(input, out var packets));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var feedback = Assert.IsType<OrleansLive.Media.Rtp.RtcpTransportFeedback>(Assert.Single(packets));
        Assert.True(allocated < 4096, $"{allocated} bytes allocated for a {input.Length}-byte packet");
        Assert.Equal(65535, feedback.Packets.Count);
        Assert.All(feedback.Packets, p => Assert.False(p.Received));
        Assert.Equal(unchecked((ushort)(1000 + 65534)), feedback.Packets[65534].Sequence);
    }
}
