using System.Buffers;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.Media.Containers.Mp4;

/// <summary>
/// Writes the fMP4 (CMAF-style) initialization segment: ftyp + moov with one trak per track,
/// empty sample tables, and mvex/trex announcing that samples arrive in movie fragments.
/// </summary>
public static class Fmp4Writer
{
    private const ushort LanguageUnd = 0x55C4; // ISO-639-2 "und", 5 bits per letter

    /// <summary>Video non-sync: depends on others, is_non_sync_sample. Audio: every sample is sync.</summary>
    internal const uint NonSyncSampleFlags = 0x01010000;
    internal const uint SyncSampleFlags = 0x02000000;

    public static void WriteInitSegment(IBufferWriter<byte> output, Fmp4TrackConfig? video, Fmp4TrackConfig? audio)
    {
        if (video is null && audio is null)
        {
            throw new ArgumentException("An init segment needs at least one track.");
        }
        var bound = 2048 + (video?.DecoderConfig.Length ?? 0) + (audio?.DecoderConfig.Length ?? 0);
        var w = new BoxWriter(output.GetSpan(bound));

        var ftyp = w.Start("ftyp"u8);
        w.Bytes("iso6"u8);
        w.U32(0);
        w.Bytes("iso6"u8);
        w.Bytes("cmfc"u8);
        w.Bytes("iso5"u8);
        w.Bytes("mp41"u8);
        w.End(ftyp);

        var moov = w.Start("moov"u8);
        WriteMvhd(ref w, nextTrackId: Fmp4TrackConfig.AudioTrackId + 1);
        if (video is not null)
        {
            WriteTrak(ref w, video);
        }
        if (audio is not null)
        {
            WriteTrak(ref w, audio);
        }
        var mvex = w.Start("mvex"u8);
        if (video is not null)
        {
            WriteTrex(ref w, video.TrackId, NonSyncSampleFlags);
        }
        if (audio is not null)
        {
            WriteTrex(ref w, audio.TrackId, SyncSampleFlags);
        }
        w.End(mvex);
        w.End(moov);
        output.Advance(w.Position);
    }

    private static void WriteMvhd(ref BoxWriter w, uint nextTrackId)
    {
        var mvhd = w.StartFull("mvhd"u8, 0, 0);
        w.U32(0); // creation_time
        w.U32(0); // modification_time
        w.U32(1000); // timescale
        w.U32(0); // duration: unknown, fragments follow
        w.U32(0x00010000); // rate 1.0
        w.U16(0x0100); // volume 1.0
        w.Zeros(10);
        w.UnityMatrix();
        w.Zeros(24); // pre_defined
        w.U32(nextTrackId);
        w.End(mvhd);
    }

    private static void WriteTrak(ref BoxWriter w, Fmp4TrackConfig track)
    {
        var trak = w.Start("trak"u8);

        var tkhd = w.StartFull("tkhd"u8, 0, 0x000003); // enabled, in movie
        w.U32(0);
        w.U32(0);
        w.U32(track.TrackId);
        w.U32(0); // reserved
        w.U32(0); // duration
        w.Zeros(8);
        w.U16(0); // layer
        w.U16(0); // alternate_group
        w.U16(track.IsVideo ? (ushort)0 : (ushort)0x0100); // volume
        w.U16(0);
        w.UnityMatrix();
        w.U32((uint)track.Width << 16);
        w.U32((uint)track.Height << 16);
        w.End(tkhd);

        var mdia = w.Start("mdia"u8);
        var mdhd = w.StartFull("mdhd"u8, 0, 0);
        w.U32(0);
        w.U32(0);
        w.U32(track.Timescale);
        w.U32(0);
        w.U16(LanguageUnd);
        w.U16(0);
        w.End(mdhd);

        var hdlr = w.StartFull("hdlr"u8, 0, 0);
        w.U32(0); // pre_defined
        w.Bytes(track.IsVideo ? "vide"u8 : "soun"u8);
        w.Zeros(12);
        w.Bytes(track.IsVideo ? "VideoHandler\0"u8 : "SoundHandler\0"u8);
        w.End(hdlr);

        var minf = w.Start("minf"u8);
        if (track.IsVideo)
        {
            var vmhd = w.StartFull("vmhd"u8, 0, 1);
            w.Zeros(8); // graphicsmode, opcolor
            w.End(vmhd);
        }
        else
        {
            var smhd = w.StartFull("smhd"u8, 0, 0);
            w.Zeros(4); // balance, reserved
            w.End(smhd);
        }
        var dinf = w.Start("dinf"u8);
        var dref = w.StartFull("dref"u8, 0, 0);
        w.U32(1);
        var url = w.StartFull("url "u8, 0, 1); // media is in this file
        w.End(url);
        w.End(dref);
        w.End(dinf);

        var stbl = w.Start("stbl"u8);
        var stsd = w.StartFull("stsd"u8, 0, 0);
        w.U32(1);
        if (track.IsVideo)
        {
            WriteVisualSampleEntry(ref w, track);
        }
        else
        {
            WriteAudioSampleEntry(ref w, track);
        }
        w.End(stsd);
        // Empty tables: every sample lives in a movie fragment.
        var stts = w.StartFull("stts"u8, 0, 0);
        w.U32(0);
        w.End(stts);
        var stsc = w.StartFull("stsc"u8, 0, 0);
        w.U32(0);
        w.End(stsc);
        var stsz = w.StartFull("stsz"u8, 0, 0);
        w.U32(0);
        w.U32(0);
        w.End(stsz);
        var stco = w.StartFull("stco"u8, 0, 0);
        w.U32(0);
        w.End(stco);
        w.End(stbl);

        w.End(minf);
        w.End(mdia);
        w.End(trak);
    }

    private static void WriteVisualSampleEntry(ref BoxWriter w, Fmp4TrackConfig track)
    {
        var hevc = track.Codec == Fmp4Codec.Hevc;
        var entry = w.Start(hevc ? "hvc1"u8 : "avc1"u8);
        w.Zeros(6);
        w.U16(1); // data_reference_index
        w.Zeros(16); // pre_defined, reserved
        w.U16((ushort)track.Width);
        w.U16((ushort)track.Height);
        w.U32(0x00480000); // 72 dpi
        w.U32(0x00480000);
        w.U32(0);
        w.U16(1); // frame_count
        w.Zeros(32); // compressorname
        w.U16(0x0018); // depth
        w.U16(0xFFFF); // pre_defined -1
        var config = w.Start(hevc ? "hvcC"u8 : "avcC"u8);
        w.Bytes(track.DecoderConfig);
        w.End(config);
        w.End(entry);
    }

    private static void WriteAudioSampleEntry(ref BoxWriter w, Fmp4TrackConfig track)
    {
        var entry = w.Start("mp4a"u8);
        w.Zeros(6);
        w.U16(1); // data_reference_index
        w.Zeros(8);
        w.U16((ushort)track.Channels);
        w.U16(16); // samplesize
        w.U32(0); // pre_defined, reserved
        w.U32(track.SampleRate <= ushort.MaxValue ? (uint)track.SampleRate << 16 : 0);

        // esds: ES_Descriptor > DecoderConfigDescriptor > DecoderSpecificInfo, then SLConfigDescriptor.
        var asc = track.DecoderConfig;
        var esds = w.StartFull("esds"u8, 0, 0);
        var specificInfo = asc.Length > 0 ? DescriptorSize(asc.Length) : 0;
        var decoderConfig = 13 + specificInfo;
        Descriptor(ref w, 0x03, 3 + DescriptorSize(decoderConfig) + DescriptorSize(1));
        w.U16(0); // ES_ID
        w.U8(0); // no dependence, URL or OCR; priority 0
        Descriptor(ref w, 0x04, decoderConfig);
        w.U8(track.Codec == Fmp4Codec.Aac ? (byte)0x40 : (byte)0x6B); // MPEG-4 audio / MPEG-1 audio
        w.U8(0x15); // streamType audio (5) << 2 | reserved 1
        w.U24(0); // bufferSizeDB
        w.U32(0); // maxBitrate
        w.U32(0); // avgBitrate
        if (asc.Length > 0)
        {
            Descriptor(ref w, 0x05, asc.Length);
            w.Bytes(asc);
        }
        Descriptor(ref w, 0x06, 1);
        w.U8(0x02); // predefined SL config for MP4
        w.End(esds);
        w.End(entry);
    }

    /// <summary>A descriptor's full size: tag, size field (1 byte, or 4 for larger payloads), payload.</summary>
    private static int DescriptorSize(int payload) => (payload < 0x80 ? 2 : 5) + payload;

    private static void Descriptor(ref BoxWriter w, byte tag, int size)
    {
        w.U8(tag);
        if (size >= 0x80)
        {
            // Expandable size: 7 bits per byte, high bit set on all but the last.
            w.U8((byte)(0x80 | ((size >> 21) & 0x7F)));
            w.U8((byte)(0x80 | ((size >> 14) & 0x7F)));
            w.U8((byte)(0x80 | ((size >> 7) & 0x7F)));
        }
        w.U8((byte)(size & 0x7F));
    }

    private static void WriteTrex(ref BoxWriter w, uint trackId, uint defaultFlags)
    {
        var trex = w.StartFull("trex"u8, 0, 0);
        w.U32(trackId);
        w.U32(1); // default_sample_description_index
        w.U32(0); // default_sample_duration
        w.U32(0); // default_sample_size
        w.U32(defaultFlags);
        w.End(trex);
    }
}
