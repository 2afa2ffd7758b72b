using System.Buffers;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.Media.Containers.Mp4;

/// <summary>
/// Collects FLV samples and writes them as one movie fragment (moof + mdat) with a traf per
/// track. Video stays in AVCC/HVCC length-prefixed form, which is what avc1/hvc1 expect; AAC
/// is stored raw. The caller decides where fragments end (typically before a video keyframe).
/// Not thread safe.
/// </summary>
public sealed class Fmp4FragmentWriter
{
    private const uint TfhdDefaultBaseIsMoof = 0x020000;
    private const uint TrunDataOffset = 0x000001;
    private const uint TrunDuration = 0x000100;
    private const uint TrunSize = 0x000200;
    private const uint TrunFlags = 0x000400;
    private const uint TrunCompositionOffset = 0x000800;

    private readonly Fmp4FragmentTrack? _video;
    private readonly Fmp4FragmentTrack? _audio;

    public Fmp4FragmentWriter(Fmp4TrackConfig? video, Fmp4TrackConfig? audio, uint firstSequenceNumber = 1)
    {
        if (video is { IsVideo: false } || audio is { IsVideo: true })
        {
            throw new ArgumentException("Track configs are in the wrong slots.");
        }
        _video = video is null ? null : new Fmp4FragmentTrack(video);
        _audio = audio is null ? null : new Fmp4FragmentTrack(audio);
        SequenceNumber = firstSequenceNumber;
    }

    /// <summary>The mfhd sequence number the next fragment gets; increases by one per fragment.</summary>
    public uint SequenceNumber { get; private set; }

    public int PendingSamples => (_video?.Count ?? 0) + (_audio?.Count ?? 0);

    /// <summary>
    /// Queues a coded video frame or audio frame for the configured tracks; sequence headers,
    /// other codecs and empty frames are ignored.
    /// </summary>
    public void Add(in FlvMediaSample sample)
    {
        var data = sample.Data.Span;
        if (sample.IsVideo && _video is not null)
        {
            if (FlvSampleInfo.TryParseVideo(data, out var tag)
                && tag.Kind == FlvVideoPacketKind.CodedFrames
                && !tag.Body.IsEmpty
                && (tag.Codec == VideoCodecId.H265) == (_video.Config.Codec == Fmp4Codec.Hevc))
            {
                _video.Add(sample.Timestamp, tag.CompositionTime, tag.IsKeyframe, tag.Body);
            }
        }
        else if (sample.IsAudio && _audio is not null)
        {
            if (FlvSampleInfo.TryParseAudio(data, out var tag)
                && tag.Kind == FlvAudioPacketKind.RawFrame
                && (tag.Codec == AudioCodecId.Mp3) == (_audio.Config.Codec == Fmp4Codec.Mp3))
            {
                var frame = tag.Codec == AudioCodecId.Aac ? AudioSpecificConfig.StripAdtsHeader(tag.Body) : tag.Body;
                if (!frame.IsEmpty)
                {
                    _audio.Add(sample.Timestamp, 0, sync: true, frame);
                }
            }
        }
    }

    /// <summary>Writes the queued samples as moof + mdat and clears the queue; writes nothing when empty.</summary>
    public void WriteFragment(IBufferWriter<byte> output)
    {
        if (PendingSamples == 0)
        {
            return;
        }
        var video = _video is { Count: > 0 } ? _video : null;
        var audio = _audio is { Count: > 0 } ? _audio : null;
        var moofSize = 8 + 16 + TrafSize(video) + TrafSize(audio);
        var mdatPayload = (long)(video?.DataLength ?? 0) + (audio?.DataLength ?? 0);
        if (mdatPayload + 8 > uint.MaxValue)
        {
            throw new InvalidOperationException("Fragment too large for a 32-bit mdat.");
        }

        var w = new BoxWriter(output.GetSpan(moofSize + 8));
        var moof = w.Start("moof"u8);
        var mfhd = w.StartFull("mfhd"u8, 0, 0);
        w.U32(SequenceNumber);
        w.End(mfhd);
        // Each trun's data_offset counts from the start of moof to its track's bytes in mdat.
        var dataOffset = moofSize + 8;
        if (video is not null)
        {
            WriteTraf(ref w, video, dataOffset);
            dataOffset += video.DataLength;
        }
        if (audio is not null)
        {
            WriteTraf(ref w, audio, dataOffset);
        }
        w.End(moof);
        w.U32((uint)(mdatPayload + 8));
        w.Bytes("mdat"u8);
        output.Advance(w.Position);

        if (video is not null)
        {
            output.Write(video.Data);
            video.Clear();
        }
        if (audio is not null)
        {
            output.Write(audio.Data);
            audio.Clear();
        }
        SequenceNumber++;
    }

    private static int TrafSize(Fmp4FragmentTrack? track) =>
        track is null ? 0 : 8 + 16 + 20 + 20 + (track.Count * (track.Config.IsVideo ? 16 : 8));

    private static void WriteTraf(ref BoxWriter w, Fmp4FragmentTrack track, int dataOffset)
    {
        var samples = track.Samples;
        var video = track.Config.IsVideo;
        var traf = w.Start("traf"u8);

        var tfhd = w.StartFull("tfhd"u8, 0, TfhdDefaultBaseIsMoof);
        w.U32(track.Config.TrackId);
        w.End(tfhd);

        var tfdt = w.StartFull("tfdt"u8, 1, 0);
        w.U64((ulong)samples[0].Dts);
        w.End(tfdt);

        // Version 1: composition offsets are signed, so negative CTS from the encoder survives.
        var flags = TrunDataOffset | TrunDuration | TrunSize | (video ? TrunFlags | TrunCompositionOffset : 0);
        var trun = w.StartFull("trun"u8, 1, flags);
        w.U32((uint)samples.Length);
        w.I32(dataOffset);
        var duration = track.FallbackDuration;
        for (var i = 0; i < samples.Length; i++)
        {
            duration = track.Duration(i, duration);
            w.U32(duration);
            w.U32((uint)samples[i].Size);
            if (video)
            {
                w.U32(samples[i].Sync ? Fmp4Writer.SyncSampleFlags : Fmp4Writer.NonSyncSampleFlags);
                w.I32(samples[i].CompositionOffset);
            }
        }
        track.LastDuration = duration;
        w.End(trun);
        w.End(traf);
    }
}
