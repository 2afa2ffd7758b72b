using System.Buffers;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Samples;

namespace OrleansLive.Media.Containers;

/// <summary>
/// Turns <see cref="ElementaryFrame"/>s from the MPEG-TS and MPEG-PS demuxers into the sample model:
/// H.264/HEVC byte streams become 4-byte length-prefixed NAL units (parameter sets and delimiters
/// taken out, keyframe = IDR/IRAP) behind an avcC/hvcC Config sample built from the parameter sets
/// and sent again whenever they change; AAC in ADTS becomes one raw frame per sample, each timed
/// 1024 samples after the last, behind an AudioSpecificConfig; Opus access units get an OpusHead;
/// MP3, G.711 and AV1 pass through. Timestamps become milliseconds from <see cref="Origin"/>.
/// Video before its first parameter sets is dropped, since no decoder could use it.
/// Samples' data is only valid during the callback. Not thread safe.
/// </summary>
public sealed class ElementarySampleConverter
{
    private const int MaxParameterSets = 16;

    private readonly Action<MediaSample> _onSample;
    private readonly Dictionary<int, StreamState> _streams = [];
    private readonly ArrayBufferWriter<byte> _scratch = new(64 * 1024);

    /// <param name="origin">The 90 kHz time that becomes 0 ms; null takes the first frame's DTS.</param>
    public ElementarySampleConverter(Action<MediaSample> onSample, long? origin = null)
    {
        _onSample = onSample;
        Origin = origin;
    }

    public long? Origin { get; private set; }

    /// <summary>Video frames dropped because no parameter sets had been seen yet.</summary>
    public long DroppedBeforeConfig { get; private set; }

    public void Write(in ElementaryFrame frame)
    {
        Origin ??= frame.Dts;
        if (!_streams.TryGetValue(frame.Pid, out var state) || state.Codec != frame.Codec)
        {
            state = new StreamState(frame.Codec);
            _streams[frame.Pid] = state;
        }

        var data = frame.Data.Span;
        switch (frame.Codec)
        {
            case { Video: VideoCodecId.H264 or VideoCodecId.H265 }:
                WriteAnnexB(state, frame, data);
                break;
            case { Video: VideoCodecId.Av1 }:
                Emit(Header(state, SamplePart.Frame, Av1Obu.IsKeyframe(data), frame), frame.Dts, frame.Data);
                break;
            case { Audio: AudioCodecId.Aac }:
                WriteAdts(state, frame, data);
                break;
            case { Audio: AudioCodecId.Opus }:
                WriteOpus(state, frame, data);
                break;
            case { Audio: AudioCodecId.Mp3 or AudioCodecId.G711A or AudioCodecId.G711U }:
                Emit(Header(state, SamplePart.Frame, false, frame), frame.Pts, frame.Data);
                break;
        }
    }

    private void WriteAnnexB(StreamState state, in ElementaryFrame frame, ReadOnlySpan<byte> data)
    {
        var codec = frame.Codec.Video;
        var keyframe = false;
        List<byte[]>?[] seen = [null, null, null]; // VPS, SPS, PPS in this access unit
        _scratch.ResetWrittenCount();
        foreach (var nal in AnnexB.Split(data))
        {
            if (NalUnit.IsFraming(codec, nal))
            {
                continue;
            }

            if (NalUnit.IsParameterSet(codec, nal))
            {
                var kind = ParameterSetKind(codec, nal);
                var list = seen[kind] ??= [];
                if (nal.Length <= NalUnit.MaxParameterSetSize && list.Count < MaxParameterSets && !Contains(list, nal))
                {
                    list.Add(nal.ToArray());
                }

                continue;
            }

            keyframe |= NalUnit.IsKeyframe(codec, nal);
            AnnexB.WriteLengthPrefixedNal(nal, _scratch);
        }

        // Parameter sets in an access unit replace those of their kind: the stream's current set.
        if (seen[0] is not null || seen[1] is not null || seen[2] is not null)
        {
            for (var i = 0; i < 3; i++)
            {
                state.ParameterSets[i] = seen[i] ?? state.ParameterSets[i];
            }

            var sets = state.ParameterSets;
            var record = codec == VideoCodecId.H265
                ? DecoderRecordBuilder.BuildHevc(sets[0], sets[1], sets[2])
                : DecoderRecordBuilder.BuildAvc(sets[1], sets[2]);
            if (record is not null && (state.Config is null || !record.AsSpan().SequenceEqual(state.Config)))
            {
                state.Config = record;
                Emit(new SampleHeader(MediaKind.Video, codec, AudioCodecId.Unknown, SamplePart.Config, true, 0, 0), frame.Dts, record);
            }
        }

        if (state.Config is null)
        {
            DroppedBeforeConfig++;
            return;
        }

        if (_scratch.WrittenCount > 0)
        {
            Emit(Header(state, SamplePart.Frame, keyframe, frame), frame.Dts, _scratch.WrittenMemory);
        }
    }

    private static bool Contains(List<byte[]> list, ReadOnlySpan<byte> nal)
    {
        foreach (var known in list)
        {
            if (nal.SequenceEqual(known))
            {
                return true;
            }
        }

        return false;
    }

    private static int ParameterSetKind(VideoCodecId codec, ReadOnlySpan<byte> nal) => NalUnit.Type(codec, nal) switch
    {
        NalUnit.HevcVps when codec == VideoCodecId.H265 => 0,
        NalUnit.HevcSps or NalUnit.AvcSps => 1,
        _ => 2,
    };

    /// <summary>Splits ADTS into raw frames. A frame cut by the PES boundary is kept (at most one ADTS
    /// frame) and finished by the next PES, whose PTS belongs to the first frame starting in it.</summary>
    private void WriteAdts(StreamState state, in ElementaryFrame frame, ReadOnlySpan<byte> data)
    {
        var boundary = state.CarryLength;
        if (boundary > 0)
        {
            var joined = new byte[boundary + data.Length];
            state.Carry.AsSpan(0, boundary).CopyTo(joined);
            data.CopyTo(joined.AsSpan(boundary));
            data = joined;
            state.CarryLength = 0;
        }

        var baseTs = frame.Pts;
        var samples = 0L;
        var next = frame.Pts;
        var pos = 0;
        while (pos + AdtsHeader.MinHeaderSize <= data.Length)
        {
            if (!AdtsHeader.TryParse(data[pos..], out var adts))
            {
                pos++; // lost sync: look for the next header
                continue;
            }

            if (pos + adts.FrameLength > data.Length)
            {
                break;
            }

            long ts;
            if (pos < boundary)
            {
                ts = state.CarryPts;
            }
            else
            {
                ts = baseTs + (samples * 90000 / adts.SampleRate);
                samples += adts.Samples;
                next = baseTs + (samples * 90000 / adts.SampleRate);
            }

            var config = adts.ToConfig();
            if (state.Aac != config)
            {
                state.Aac = config;
                Emit(new SampleHeader(MediaKind.Audio, VideoCodecId.Unknown, AudioCodecId.Aac, SamplePart.Config, false, 0, 0), ts, config.ToBytes());
            }

            var raw = data.Slice(pos + adts.HeaderLength, adts.FrameLength - adts.HeaderLength);
            _scratch.ResetWrittenCount();
            _scratch.Write(raw);
            Emit(Header(state, SamplePart.Frame, false, frame), ts, _scratch.WrittenMemory);
            pos += adts.FrameLength;
        }

        var rest = data[pos..];
        if (!rest.IsEmpty && rest.Length <= AdtsHeader.MaxFrameLength)
        {
            rest.CopyTo(state.Carry);
            state.CarryLength = rest.Length;
            state.CarryPts = pos >= boundary ? next : state.CarryPts;
        }
    }

    /// <summary>Opus access units in MPEG-TS: a control header (0x7FE prefix, trim and extension flags,
    /// 0xFF-run size) before each packet; timestamps advance by each packet's TOC duration.</summary>
    private void WriteOpus(StreamState state, in ElementaryFrame frame, ReadOnlySpan<byte> data)
    {
        if (!state.OpusConfigSent)
        {
            state.OpusConfigSent = true;
            var head = OpusHead.ForChannels(frame.Codec.Channels == 0 ? 2 : frame.Codec.Channels);
            Emit(new SampleHeader(MediaKind.Audio, VideoCodecId.Unknown, AudioCodecId.Opus, SamplePart.Config, false, 0, 0), frame.Pts, head.ToBytes());
        }

        var ts = frame.Pts;
        var pos = 0;
        while (pos + 2 <= data.Length && data[pos] == 0x7F && (data[pos + 1] & 0xE0) == 0xE0)
        {
            var flags = data[pos + 1];
            pos += 2;
            var size = 0;
            while (pos < data.Length)
            {
                var b = data[pos++];
                size += b;
                if (b != 0xFF)
                {
                    break;
                }
            }

            pos += ((flags & 0x10) != 0 ? 2 : 0) + ((flags & 0x08) != 0 ? 2 : 0);
            if ((flags & 0x04) != 0 && pos < data.Length)
            {
                pos += 1 + data[pos];
            }

            if (size == 0 || pos + size > data.Length)
            {
                return;
            }

            _scratch.ResetWrittenCount();
            _scratch.Write(data.Slice(pos, size));
            Emit(Header(state, SamplePart.Frame, false, frame), ts, _scratch.WrittenMemory);
            ts += OpusHead.PacketSamples(data.Slice(pos, size)) * 90000L / OpusHead.SampleRate;
            pos += size;
        }
    }

    private SampleHeader Header(StreamState state, SamplePart part, bool keyframe, in ElementaryFrame frame)
    {
        var codec = state.Codec;
        var cts = codec.Kind == MediaKind.Video ? (int)(ToMilliseconds(frame.Pts) - ToMilliseconds(frame.Dts)) : 0;
        return new SampleHeader(codec.Kind, codec.Video, codec.Audio, part, keyframe, cts, 0);
    }

    private void Emit(in SampleHeader header, long time90k, ReadOnlyMemory<byte> data) =>
        _onSample(new MediaSample(header, ToMilliseconds(time90k), data));

    // Floor division, so times before the origin stay ordered.
    private long ToMilliseconds(long time90k)
    {
        var (quotient, remainder) = Math.DivRem(time90k - Origin!.Value, 90L);
        return remainder < 0 ? quotient - 1 : quotient;
    }

    private sealed class StreamState(ElementaryCodec codec)
    {
        public ElementaryCodec Codec { get; } = codec;

        /// <summary>VPS, SPS and PPS lists in force.</summary>
        public List<byte[]>[] ParameterSets { get; } = [[], [], []];

        public byte[]? Config { get; set; }

        public AudioSpecificConfig? Aac { get; set; }

        public bool OpusConfigSent { get; set; }

        public byte[] Carry { get; } = codec.Audio == AudioCodecId.Aac ? new byte[AdtsHeader.MaxFrameLength] : [];

        public int CarryLength { get; set; }

        public long CarryPts { get; set; }
    }
}
