using System.Diagnostics.CodeAnalysis;
using System.Text;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.Media.Containers.Mp4;

/// <summary>
/// One fMP4 track as described by an FLV sequence header: codec, timescale, picture size or
/// audio format, and the decoder configuration that goes into avcC/hvcC/esds.
/// Video is track 1 at 90 kHz; audio is track 2 at its sample rate.
/// </summary>
public sealed class Fmp4TrackConfig
{
    public const uint VideoTrackId = 1;
    public const uint AudioTrackId = 2;
    public const uint VideoTimescale = 90000;

    private Fmp4TrackConfig(Fmp4Codec codec, uint trackId, uint timescale, byte[] decoderConfig)
    {
        Codec = codec;
        TrackId = trackId;
        Timescale = timescale;
        DecoderConfig = decoderConfig;
    }

    public Fmp4Codec Codec { get; }

    public uint TrackId { get; }

    /// <summary>Ticks per second of the track's media timeline (mdhd, tfdt, trun).</summary>
    public uint Timescale { get; }

    /// <summary>The avcC/hvcC record, the AAC AudioSpecificConfig, or empty for MP3.</summary>
    public byte[] DecoderConfig { get; }

    public int Width { get; private init; }

    public int Height { get; private init; }

    public int SampleRate { get; private init; }

    public int Channels { get; private init; }

    public bool IsVideo => Codec is Fmp4Codec.Avc or Fmp4Codec.Hevc;

    /// <summary>RFC 6381 codec string for HLS CODECS and MSE, e.g. avc1.4D401F, hvc1.1.6.L93.B0, mp4a.40.2.</summary>
    public string CodecString => Codec switch
    {
        Fmp4Codec.Avc => $"avc1.{DecoderConfig[1]:X2}{DecoderConfig[2]:X2}{DecoderConfig[3]:X2}",
        Fmp4Codec.Hevc => HevcCodecString(DecoderConfig),
        Fmp4Codec.Aac => $"mp4a.40.{DecoderConfig[0] >> 3}",
        _ => "mp4a.6B",
    };

    /// <summary>Builds a video track from an FLV AVC/HEVC sequence header; size comes from the SPS.</summary>
    public static bool TryFromFlvVideo(ReadOnlySpan<byte> seqHeaderTagData, [NotNullWhen(true)] out Fmp4TrackConfig? config) =>
        TryFromFlvVideo(seqHeaderTagData, 0, 0, out config);

    /// <summary>As above, but a non-zero width/height overrides what the SPS says.</summary>
    public static bool TryFromFlvVideo(ReadOnlySpan<byte> seqHeaderTagData, int width, int height, [NotNullWhen(true)] out Fmp4TrackConfig? config)
    {
        config = null;
        if (!FlvSampleInfo.TryParseVideo(seqHeaderTagData, out var tag)
            || tag.Kind != FlvVideoPacketKind.SequenceHeader
            || !VideoDecoderConfig.TryParse(tag.Codec, tag.Body, out var record))
        {
            return false;
        }
        var hevc = record.Codec == VideoCodecId.H265;
        if (width <= 0 || height <= 0)
        {
            width = height = 0;
            if (hevc)
            {
                HevcConfig.TryParseSpsSize(record.Sps, out width, out height);
            }
            else if (AvcConfig.TryParseSps(record.Sps, out var sps))
            {
                (width, height) = (sps.Width, sps.Height);
            }
        }
        config = new Fmp4TrackConfig(hevc ? Fmp4Codec.Hevc : Fmp4Codec.Avc, VideoTrackId, VideoTimescale, record.Record)
        {
            Width = width,
            Height = height,
        };
        return true;
    }

    /// <summary>
    /// Builds an audio track from an FLV AAC sequence header (AudioSpecificConfig), or from the
    /// first MP3 frame since MP3 has no sequence header.
    /// </summary>
    public static bool TryFromFlvAudio(ReadOnlySpan<byte> tagData, [NotNullWhen(true)] out Fmp4TrackConfig? config)
    {
        config = null;
        if (!FlvSampleInfo.TryParseAudio(tagData, out var tag))
        {
            return false;
        }
        if (tag.Codec == AudioCodecId.Aac && tag.Kind == FlvAudioPacketKind.SequenceHeader
            && AudioSpecificConfig.TryParse(tag.Body, out var asc))
        {
            config = new Fmp4TrackConfig(Fmp4Codec.Aac, AudioTrackId, (uint)asc.SampleRate, tag.Body.ToArray())
            {
                SampleRate = asc.SampleRate,
                Channels = asc.ChannelConfig == 7 ? 8 : asc.ChannelConfig == 0 ? 2 : asc.ChannelConfig,
            };
            return true;
        }
        if (tag.Codec == AudioCodecId.Mp3 && MpegAudioHeader.TryParse(tag.Body, out var rate, out var channels))
        {
            config = new Fmp4TrackConfig(Fmp4Codec.Mp3, AudioTrackId, (uint)rate, [])
            {
                SampleRate = rate,
                Channels = channels,
            };
            return true;
        }
        return false;
    }

    /// <summary>hvc1.[space]profile.compat(reversed hex).tier+level.constraint bytes (trailing zeros dropped).</summary>
    private static string HevcCodecString(byte[] record)
    {
        var space = record[1] >> 6;
        var text = new StringBuilder("hvc1.");
        if (space > 0)
        {
            text.Append((char)('A' + space - 1));
        }
        text.Append(record[1] & 0x1F).Append('.');
        var compat = (uint)((record[2] << 24) | (record[3] << 16) | (record[4] << 8) | record[5]);
        var reversed = 0u;
        for (var i = 0; i < 32; i++)
        {
            reversed |= ((compat >> i) & 1) << (31 - i);
        }
        text.Append(reversed.ToString("X")).Append('.');
        text.Append((record[1] & 0x20) != 0 ? 'H' : 'L').Append(record[12]);
        var last = 11;
        while (last >= 6 && record[last] == 0)
        {
            last--;
        }
        for (var i = 6; i <= last; i++)
        {
            text.Append('.').Append(record[i].ToString("X2"));
        }
        return text.ToString();
    }
}
