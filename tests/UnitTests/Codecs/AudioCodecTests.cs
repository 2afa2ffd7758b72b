using OrleansLive.Media.Codecs;

namespace OrleansLive.UnitTests.Codecs;

public class AudioCodecTests
{
    [Fact]
    public void Adts_header_round_trips_through_audio_specific_config()
    {
        var config = new AudioSpecificConfig(2, 3, 48000, 2);
        var header = new byte[7];
        config.WriteAdtsHeader(header, 100);

        Assert.True(AdtsHeader.TryParse(header, out var adts));
        Assert.Equal(new AdtsHeader(2, 3, 2, 107, 7, 1), adts);
        Assert.Equal(48000, adts.SampleRate);
        Assert.Equal(config, adts.ToConfig());
        Assert.Equal(new byte[] { 0x11, 0x90 }, config.ToBytes());
        Assert.True(AudioSpecificConfig.TryParse(config.ToBytes(), out var parsed));
        Assert.Equal(config, parsed);
    }

    [Fact]
    public void Adts_with_crc_has_a_nine_byte_header_and_bad_headers_are_rejected()
    {
        Assert.True(AdtsHeader.TryParse([0xFF, 0xF0, 0x50, 0x80, 0x02, 0x1F, 0xFD], out var crc));
        Assert.Equal(9, crc.HeaderLength);
        Assert.Equal(2, crc.RawBlocks);
        Assert.False(AdtsHeader.TryParse([0xFF, 0xF1, 0x7C, 0x80, 0x02, 0x1F, 0xFC], out _)); // index 15
        Assert.False(AdtsHeader.TryParse([0xFF, 0xF1, 0x50, 0x80, 0x00, 0x1F, 0xFC], out _)); // length 0
        Assert.False(AdtsHeader.TryParse([0xFF, 0xF7, 0x50, 0x80, 0x02, 0x1F, 0xFC], out _)); // layer 3
    }

    [Fact]
    public void Opus_head_parses_writes_and_reports_48_khz()
    {
        var bytes = Convert.FromHexString("4F707573486561640102380180BB0000000000");
        Assert.True(OpusHead.TryParse(bytes, out var head));
        Assert.Equal(new AudioFacts("Opus", 48000, 2, "Other"), head.Facts);
        Assert.Equal(312, head.PreSkip);
        Assert.Equal(48000u, head.InputSampleRate);
        Assert.Equal(bytes, head.ToBytes());
    }

    [Fact]
    public void Surround_opus_head_carries_the_mapping_table()
    {
        var head = OpusHead.ForChannels(6);
        Assert.Equal((1, 4, 2), (head.MappingFamily, head.StreamCount, head.CoupledCount));
        var bytes = head.ToBytes();
        Assert.Equal(19 + 2 + 6, bytes.Length);
        Assert.True(OpusHead.TryParse(bytes, out var back));
        Assert.Equal(head.ChannelMapping, back.ChannelMapping);
        Assert.False(OpusHead.TryParse(bytes[..22], out _));
        Assert.False(OpusHead.TryParse("OpusHeax0123456789012"u8, out _));
    }

    [Theory]
    [InlineData(0xFC, 960)] // CELT FB 20 ms, one frame
    [InlineData(0xF8 | 1, 1920)] // CELT FB 20 ms, two frames
    [InlineData(0x08, 960)] // SILK NB 20 ms
    [InlineData(0x18, 2880)] // SILK NB 60 ms
    [InlineData(0x60, 480)] // hybrid SWB 10 ms
    [InlineData(0x80, 120)] // CELT NB 2.5 ms
    public void Opus_toc_gives_the_packet_duration(byte toc, int samples) =>
        Assert.Equal(samples, OpusHead.PacketSamples([toc, 0]));

    [Fact]
    public void Opus_code_3_packets_count_frames_and_cap_at_120_ms()
    {
        Assert.Equal(3 * 960, OpusHead.PacketSamples([0xFB, 0x03]));
        Assert.Equal(0, OpusHead.PacketSamples([0xFB, 0x07])); // 140 ms
        Assert.Equal(0, OpusHead.PacketSamples([0xFB]));
        Assert.Equal(0, OpusHead.PacketSamples([]));
    }

    [Fact]
    public void G711_codes_survive_decode_then_encode()
    {
        for (var code = 0; code < 256; code++)
        {
            Assert.Equal((byte)code, G711.EncodeALaw(G711.DecodeALaw((byte)code)));
            if (code != 0x7F) // µ-law has two zeros; 0 encodes as 0xFF
            {
                Assert.Equal((byte)code, G711.EncodeMuLaw(G711.DecodeMuLaw((byte)code)));
            }
        }
    }

    [Fact]
    public void G711_matches_reference_points_and_stays_close_to_the_input()
    {
        Assert.Equal(0xD5, G711.EncodeALaw(0));
        Assert.Equal(8, G711.DecodeALaw(0xD5));
        Assert.Equal(0xFF, G711.EncodeMuLaw(0));
        Assert.Equal(-32124, G711.DecodeMuLaw(0x00));
        Assert.Equal(32124, G711.DecodeMuLaw(0x80));
        Assert.Equal(-32256, G711.DecodeALaw(0x2A));

        var pcm = new short[2000];
        for (var i = 0; i < pcm.Length; i++)
        {
            pcm[i] = (short)(Math.Sin(i / 10.0) * 20000);
        }

        foreach (var codec in new[] { AudioCodecId.G711A, AudioCodecId.G711U })
        {
            var codes = new byte[pcm.Length];
            var back = new short[pcm.Length];
            G711.Encode(codec, pcm, codes);
            G711.Decode(codec, codes, back);
            for (var i = 0; i < pcm.Length; i++)
            {
                // Logarithmic quantisation: the error stays within a few percent of the magnitude.
                Assert.InRange(Math.Abs(back[i] - pcm[i]), 0, 16 + (Math.Abs(pcm[i]) / 16));
            }
        }

        Assert.Equal(new AudioFacts("PCMA", 8000, 1, "Other"), G711.Facts(AudioCodecId.G711A));
        Assert.Equal(90 * 20, G711.Duration90k(160));
    }
}
