using System.Buffers.Binary;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers;
using OrleansLive.Media.Containers.MpegTs;

namespace OrleansLive.Media.Containers.Ps;

/// <summary>
/// A streaming MPEG-2 program stream demuxer (ISO/IEC 13818-1 2.5), for GB28181 and DVD-style
/// sources: pack headers (0xBA), system headers (0xBB), the program stream map (0xBC, whose
/// stream types name the codecs; GB28181 adds 0x90/0x91 for G.711 A-law/µ-law) and PES packets on
/// video (0xE0-0xEF) and audio (0xC0-0xDF) stream ids. Without a map, video is probed as H.264 or
/// HEVC and audio as ADTS AAC or MPEG audio. PES of one stream are joined into frames: for audio a PES with a
/// PTS starts one; H.264/HEVC is cut into access units by its NAL units, since muxers such as ffmpeg's
/// fill fixed-size packs regardless of frame boundaries. Output is the
/// same <see cref="ElementaryFrame"/> as MPEG-TS, with the stream id as its PID. Bounded: input is held
/// up to one PES (64 KiB), frames up to <see cref="MaxFrameSize"/>. Not thread safe.
/// </summary>
public sealed class PsDemuxer
{
    public const int DefaultMaxFrameSize = 8 * 1024 * 1024;

    public const byte StreamTypeG711A = 0x90;
    public const byte StreamTypeG711U = 0x91;

    private const int MaxPacket = 6 + 0xFFFF;

    private readonly Action<ElementaryFrame> _onFrame;
    private readonly byte[] _input = new byte[MaxPacket];
    private readonly Dictionary<int, (byte Type, ElementaryCodec Codec)> _map = [];
    private readonly Dictionary<int, StreamState> _streams = [];
    private readonly TimestampUnwrapper _clock = new();
    private int _inputLength;

    /// <param name="onFrame">Gets each frame; its data is only valid during the call.</param>
    public PsDemuxer(Action<ElementaryFrame> onFrame) => _onFrame = onFrame;

    public PsDemuxerCounters Counters { get; } = new();

    public int MaxFrameSize { get; init; } = DefaultMaxFrameSize;

    /// <summary>Elementary streams seen, by stream id.</summary>
    public IReadOnlyDictionary<int, ElementaryCodec> Streams => _streams.ToDictionary(s => s.Key, s => s.Value.Codec);

    internal long BufferedBytes => _inputLength + _streams.Values.Sum(s => (long)s.Buffer.Length);

    public void Push(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var take = Math.Min(_input.Length - _inputLength, data.Length);
            data[..take].CopyTo(_input.AsSpan(_inputLength));
            _inputLength += take;
            data = data[take..];
            var used = Parse(_input.AsSpan(0, _inputLength));
            _input.AsSpan(used, _inputLength - used).CopyTo(_input);
            _inputLength -= used;
        }
    }

    /// <summary>Ends the input: emits the frames still being assembled.</summary>
    public void Flush()
    {
        _inputLength = 0;
        foreach (var stream in _streams.Values)
        {
            Emit(stream, stream.Length);
        }
    }

    /// <summary>Reads whole packets; returns the bytes consumed. A full buffer always makes progress,
    /// since no packet is larger than it.</summary>
    private int Parse(ReadOnlySpan<byte> data)
    {
        var pos = 0;
        while (true)
        {
            var rest = data[pos..];
            var start = AnnexB.IndexOfStartCode(rest);
            if (start < 0 || start + 4 > rest.Length)
            {
                // Keep a possible start code cut at the end.
                var keep = Math.Min(rest.Length, 3);
                Counters.SkippedBytes += rest.Length - keep;
                return data.Length - keep;
            }

            Counters.SkippedBytes += start;
            pos += start;
            rest = data[pos..];
            var id = rest[3];
            int length;
            if (id == 0xBA)
            {
                // MPEG-2 pack header: 14 bytes plus stuffing; MPEG-1: 12 bytes.
                if (rest.Length < 14)
                {
                    return pos;
                }

                length = (rest[4] & 0xC0) == 0x40 ? 14 + (rest[13] & 0x07) : (rest[4] & 0xF0) == 0x20 ? 12 : 0;
                if (length == 0)
                {
                    Counters.CorruptPackets++;
                    pos += 4;
                    continue;
                }

                Counters.Packs++;
            }
            else if (id == 0xB9)
            {
                length = 4; // program end code
            }
            else if (id >= 0xBB)
            {
                if (rest.Length < 6)
                {
                    return pos;
                }

                length = 6 + BinaryPrimitives.ReadUInt16BigEndian(rest[4..]);
            }
            else
            {
                // A start code of the elementary stream itself, seen while looking for sync.
                Counters.SkippedBytes += 3;
                pos += 3;
                continue;
            }

            if (rest.Length < length)
            {
                return pos;
            }

            ReadPacket(id, rest[..length]);
            pos += length;
        }
    }

    private void ReadPacket(byte id, ReadOnlySpan<byte> packet)
    {
        switch (id)
        {
            case 0xBB:
                Counters.SystemHeaders++;
                return;
            case 0xBC:
                ReadStreamMap(packet);
                return;
            case >= 0xC0 and <= 0xEF:
                ReadPes(id, packet);
                return;
        }
    }

    // program_stream_map (2.5.4): version, info, then entries of stream type, id and descriptors.
    private void ReadStreamMap(ReadOnlySpan<byte> packet)
    {
        Counters.StreamMaps++;
        if (packet.Length < 16)
        {
            Counters.CorruptPackets++;
            return;
        }

        var infoLength = BinaryPrimitives.ReadUInt16BigEndian(packet[8..]);
        var at = 10 + infoLength;
        if (at + 2 > packet.Length)
        {
            Counters.CorruptPackets++;
            return;
        }

        var end = Math.Min(packet.Length - 4, at + 2 + BinaryPrimitives.ReadUInt16BigEndian(packet[at..]));
        at += 2;
        _map.Clear();
        while (at + 4 <= end)
        {
            var type = packet[at];
            var streamId = packet[at + 1];
            var esInfoLength = BinaryPrimitives.ReadUInt16BigEndian(packet[(at + 2)..]);
            if (at + 4 + esInfoLength > end)
            {
                break;
            }

            var codec = type switch
            {
                StreamTypeG711A => ElementaryCodec.ForAudio(AudioCodecId.G711A, 1),
                StreamTypeG711U => ElementaryCodec.ForAudio(AudioCodecId.G711U, 1),
                _ => StreamTypes.Classify(type, packet.Slice(at + 4, esInfoLength)),
            };
            if (codec.IsKnown)
            {
                _map[streamId] = (type, codec);
            }

            at += 4 + esInfoLength;
        }

        // A stream whose codec changed starts over.
        foreach (var (streamId, stream) in _streams.ToList())
        {
            if (_map.TryGetValue(streamId, out var entry) && entry.Codec != stream.Codec)
            {
                _streams.Remove(streamId);
            }
        }
    }

    private void ReadPes(byte id, ReadOnlySpan<byte> packet)
    {
        Counters.Pes++;
        if (!PesHeader.TryParse(packet, out var header) || header.PayloadOffset > packet.Length)
        {
            Counters.CorruptPackets++;
            return;
        }

        var payload = packet[header.PayloadOffset..];
        if (!_streams.TryGetValue(id, out var stream))
        {
            if (payload.IsEmpty || !TryIdentify(id, payload, out var type, out var codec))
            {
                return;
            }

            stream = new StreamState(id, type, codec);
            _streams[id] = stream;
        }

        long? pts = null, dts = null;
        if (header.Pts is { } rawPts)
        {
            dts = _clock.Unwrap(header.Dts ?? rawPts);
            pts = _clock.Unwrap(rawPts);
        }

        if (stream.Codec.Video is VideoCodecId.H264 or VideoCodecId.H265)
        {
            ReadVideo(stream, payload, pts, dts);
            return;
        }

        // Audio: a timed PES starts a frame; untimed ones continue it.
        if (pts is not null)
        {
            if (stream.Dropping)
            {
                (stream.Dropping, stream.Length) = (false, 0);
            }

            Emit(stream, stream.Length);
            stream.Timed = true;
            (stream.Pts, stream.Dts) = (pts.Value, dts!.Value);
        }

        Append(stream, payload);
    }

    /// <summary>
    /// Appends video and cuts access units where a NAL unit that starts one follows coded slices.
    /// A PES's PTS belongs to the first access unit starting in it; units that start without one
    /// (several small frames in one pack) are timed one frame duration after the last.
    /// </summary>
    private void ReadVideo(StreamState stream, ReadOnlySpan<byte> payload, long? pts, long? dts)
    {
        if (stream.Dropping && pts is not null)
        {
            (stream.Dropping, stream.Length, stream.ScanPos, stream.SeenVcl) = (false, 0, 0, false);
        }

        var before = stream.Length;
        if (pts is not null)
        {
            if (before == 0)
            {
                SetTime(stream, pts.Value, dts!.Value);
            }
            else
            {
                (stream.PendingPts, stream.PendingDts, stream.PendingFrom) = (pts.Value, dts!.Value, before);
            }
        }

        // In slices, so finished access units leave the buffer before the size cap is checked.
        const int Slice = 4096;
        for (var at = 0; at < payload.Length && !stream.Dropping; at += Slice)
        {
            Append(stream, payload.Slice(at, Math.Min(Slice, payload.Length - at)));
            if (!stream.Dropping)
            {
                CutAccessUnits(stream);
            }
        }
    }

    private void CutAccessUnits(StreamState stream)
    {
        var codec = stream.Codec.Video;
        while (true)
        {
            var data = stream.Buffer.AsSpan(0, stream.Length);
            var from = Math.Max(stream.ScanPos, 0);
            var found = AnnexB.IndexOfStartCode(data[from..]);
            if (found < 0)
            {
                stream.ScanPos = Math.Max(0, stream.Length - 2);
                return;
            }

            var start = from + found;
            var nal = data[(start + 3)..];
            if (nal.Length < 3)
            {
                stream.ScanPos = start; // the header is not all here yet
                return;
            }

            stream.ScanPos = start + 3;
            var vcl = NalUnit.IsVcl(codec, nal); // read before a cut moves the buffer under the span
            if (stream.SeenVcl && NalUnit.StartsAccessUnit(codec, nal))
            {
                var cut = start > 0 && data[start - 1] == 0 ? start - 1 : start;
                var nextStartsInPendingPes = stream.PendingFrom >= 0 && cut >= stream.PendingFrom;
                var (lastPts, lastDts) = (stream.Pts, stream.Dts);
                Emit(stream, cut);
                stream.ScanPos = start + 3 - cut;
                stream.PendingFrom = stream.PendingFrom < 0 ? -1 : Math.Max(0, stream.PendingFrom - cut);
                stream.SeenVcl = false;
                if (nextStartsInPendingPes)
                {
                    SetTime(stream, stream.PendingPts, stream.PendingDts);
                    stream.PendingFrom = -1;
                }
                else
                {
                    var step = stream.FrameDuration;
                    (stream.Pts, stream.Dts) = (lastPts + step, lastDts + step);
                    stream.UntimedSince++;
                }
            }

            stream.SeenVcl |= vcl;
        }
    }

    private static void SetTime(StreamState stream, long pts, long dts)
    {
        if (stream.Timed && dts > stream.LastTimedDts)
        {
            var step = (dts - stream.LastTimedDts) / (stream.UntimedSince + 1);
            stream.FrameDuration = step is > 0 and < 90_000 ? step : stream.FrameDuration;
        }

        stream.Timed = true;
        (stream.Pts, stream.Dts, stream.LastTimedDts, stream.UntimedSince) = (pts, dts, dts, 0);
    }

    private bool TryIdentify(byte id, ReadOnlySpan<byte> payload, out byte type, out ElementaryCodec codec)
    {
        if (_map.TryGetValue(id, out var entry))
        {
            (type, codec) = entry;
            return true;
        }

        // No map: guess from the stream id and the first bytes.
        if (id >= 0xE0)
        {
            codec = ElementaryCodec.ForVideo(ProbeVideo(payload));
            type = codec.Video == VideoCodecId.H265 ? StreamTypes.Hevc : StreamTypes.H264;
            return true;
        }

        var aac = AdtsHeader.TryParse(payload, out _);
        codec = ElementaryCodec.ForAudio(aac ? AudioCodecId.Aac : AudioCodecId.Mp3);
        type = aac ? StreamTypes.Aac : StreamTypes.Mp3;
        return true;
    }

    // HEVC's usual first units (VPS 0x40, AUD 0x46, SPS 0x42, SEI 0x4E) are invalid H.264 headers.
    private static VideoCodecId ProbeVideo(ReadOnlySpan<byte> payload)
    {
        foreach (var nal in AnnexB.Split(payload))
        {
            return nal.Length >= 2 && ((nal[0] >> 1) & 0x3F) is NalUnit.HevcVps or NalUnit.HevcAud or NalUnit.HevcSps or NalUnit.HevcPrefixSei && nal[1] == 0x01
                ? VideoCodecId.H265
                : VideoCodecId.H264;
        }

        return VideoCodecId.H264;
    }

    private void Append(StreamState stream, ReadOnlySpan<byte> payload)
    {
        if (stream.Dropping)
        {
            return;
        }

        if (stream.Length + payload.Length > MaxFrameSize)
        {
            Counters.OversizedFrames++;
            (stream.Dropping, stream.Length, stream.ScanPos, stream.SeenVcl, stream.PendingFrom) = (true, 0, 0, false, -1);
            return;
        }

        stream.Append(payload, MaxFrameSize);
    }

    /// <summary>Emits the first <paramref name="length"/> bytes as a frame and keeps the rest as the next.</summary>
    private void Emit(StreamState stream, int length)
    {
        length = Math.Min(length, stream.Length);
        if (length > 0 && stream.Timed && !stream.Dropping)
        {
            Counters.Frames++;
            _onFrame(new ElementaryFrame(stream.Id, stream.StreamType, stream.Codec, stream.Pts, stream.Dts, false, new ReadOnlyMemory<byte>(stream.Buffer, 0, length)));
        }

        stream.Buffer.AsSpan(length, stream.Length - length).CopyTo(stream.Buffer);
        stream.Length -= length;
    }

    private sealed class StreamState(int id, byte streamType, ElementaryCodec codec) : PayloadBuffer
    {
        public int Id { get; } = id;

        public byte StreamType { get; } = streamType;

        public ElementaryCodec Codec { get; } = codec;


        public bool Timed { get; set; }

        public bool Dropping { get; set; }

        public long Pts { get; set; }

        public long Dts { get; set; }

        // Video access unit splitting: where scanning resumes, and whether this unit has slices yet.
        public int ScanPos { get; set; }

        public bool SeenVcl { get; set; }

        // The PTS/DTS of the newest PES, for the first unit starting at or after PendingFrom (-1: none).
        public long PendingPts { get; set; }

        public long PendingDts { get; set; }

        public int PendingFrom { get; set; } = -1;

        public long LastTimedDts { get; set; }

        public int UntimedSince { get; set; }

        /// <summary>DTS step between frames, learnt from timed ones (40 ms until then).</summary>
        public long FrameDuration { get; set; } = 3600;

    }
}
