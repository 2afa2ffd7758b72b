using System.Buffers;

namespace OrleansLive.GatewayEdge.Ts;

/// <summary>
/// Stateful FLV to MPEG-TS muxer for HLS: one program, video on PID 0x100, audio on 0x101.
/// Sequence headers only update state; PAT/PMT go out before the first frame, whenever the
/// tracks change and before every video keyframe, so a segment cut at a keyframe stands alone.
/// Audio-only segmenters should call <see cref="WriteTables"/> at each segment start.
/// Not thread safe: one muxer per output stream.
/// </summary>
public sealed partial class TsMuxer
{
    public const int PmtPid = 0x1001;
    public const int VideoPid = 0x100;
    public const int AudioPid = 0x101;

    private const byte VideoStreamId = 0xE0;
    private const byte AudioStreamId = 0xC0;
    private const long ClockMask = (1L << 33) - 1;
    private const long PcrInterval = 90 * 100;

    // PES header room kept in front of the elementary stream: 9 fixed bytes + PTS + DTS.
    private const int PesHeaderRoom = 19;

    private byte[] _pes = new byte[64 * 1024];
    private int _pesLength;

    private byte _patCc;
    private byte _pmtCc;
    private byte _videoCc;
    private byte _audioCc;
    private int _pmtVersion;
    private bool _tablesWritten;
    private bool _tablesPending = true;
    private bool _tablesFresh;
    private long _lastPcr = -1;

    public FlvVideoCodec VideoCodec { get; private set; }

    public FlvAudioCodec AudioCodec { get; private set; }

    public bool HasVideo => VideoCodec != FlvVideoCodec.Unknown;

    public bool HasAudio => AudioCodec != FlvAudioCodec.Unknown;

    /// <summary>Muxes one FLV tag body; sequence headers and unsupported codecs emit nothing.</summary>
    public void Write(IBufferWriter<byte> output, in FlvMediaSample sample)
    {
        if (sample.IsVideo)
        {
            WriteVideo(output, sample.Timestamp, sample.Data.Span);
        }
        else if (sample.IsAudio)
        {
            WriteAudio(output, sample.Timestamp, sample.Data.Span);
        }
    }

    /// <summary>Writes PAT and PMT describing the tracks seen so far.</summary>
    public void WriteTables(IBufferWriter<byte> output)
    {
        Span<byte> section = stackalloc byte[TsTables.MaxSectionSize];
        var length = TsTables.WritePat(section, PmtPid);
        TsPacketWriter.WriteSection(output, 0, ref _patCc, section[..length]);

        var videoType = VideoCodec switch
        {
            FlvVideoCodec.Avc => TsStreamTypes.H264,
            FlvVideoCodec.Hevc => TsStreamTypes.Hevc,
            _ => (byte)0,
        };
        var audioType = AudioCodec switch
        {
            FlvAudioCodec.Aac => TsStreamTypes.Aac,
            FlvAudioCodec.Mp3 => TsStreamTypes.Mp3,
            _ => (byte)0,
        };
        var pcrPid = HasVideo || !HasAudio ? VideoPid : AudioPid;
        length = TsTables.WritePmt(section, _pmtVersion, pcrPid, videoType, VideoPid, audioType, AudioPid);
        TsPacketWriter.WriteSection(output, PmtPid, ref _pmtCc, section[..length]);
        _tablesWritten = true;
        _tablesPending = false;
        _tablesFresh = true;
    }

    private void SetVideoCodec(FlvVideoCodec codec)
    {
        if (codec != VideoCodec)
        {
            VideoCodec = codec;
            OnTracksChanged();
        }
    }

    private void SetAudioCodec(FlvAudioCodec codec)
    {
        if (codec != AudioCodec)
        {
            AudioCodec = codec;
            OnTracksChanged();
        }
    }

    private void OnTracksChanged()
    {
        // A new PMT version tells demuxers to re-read the stream list.
        if (_tablesWritten)
        {
            _pmtVersion = (_pmtVersion + 1) & 0x1F;
        }
        _tablesPending = true;
    }

    /// <summary>PCR rides on the PCR PID at random access points, at least every 100 ms, and after jumps.</summary>
    private long NextPcr(long dts, bool force)
    {
        if (force || _lastPcr < 0 || dts - _lastPcr >= PcrInterval || dts < _lastPcr)
        {
            _lastPcr = dts;
            return dts & ClockMask;
        }
        return -1;
    }

    private void BeginPes() => _pesLength = PesHeaderRoom;

    /// <summary>Writes the finished PES; tables written after this are no longer "fresh".</summary>
    private void WritePesPackets(IBufferWriter<byte> output, int pid, ref byte cc, ReadOnlySpan<byte> pes, bool randomAccess, long pcr)
    {
        TsPacketWriter.WritePes(output, pid, ref cc, pes, randomAccess, pcr);
        _tablesFresh = false;
    }

    private void AppendPes(ReadOnlySpan<byte> data)
    {
        EnsurePesCapacity(data.Length);
        data.CopyTo(_pes.AsSpan(_pesLength));
        _pesLength += data.Length;
    }

    private Span<byte> AppendPes(int length)
    {
        EnsurePesCapacity(length);
        var span = _pes.AsSpan(_pesLength, length);
        _pesLength += length;
        return span;
    }

    private void EnsurePesCapacity(int extra)
    {
        if (_pesLength + extra > _pes.Length)
        {
            Array.Resize(ref _pes, Math.Max(_pes.Length * 2, _pesLength + extra));
        }
    }

    /// <summary>
    /// Writes the PES header in the room kept before the elementary stream and returns the whole PES.
    /// Video PES length is 0 (unbounded, allowed for video); audio gets its real length when it fits.
    /// </summary>
    private ReadOnlySpan<byte> FinishPes(byte streamId, long pts, long dts)
    {
        pts &= ClockMask;
        dts &= ClockMask;
        var withDts = pts != dts;
        var headerLength = withDts ? 19 : 14;
        var start = PesHeaderRoom - headerLength;
        var header = _pes.AsSpan(start, headerLength);
        var esLength = _pesLength - PesHeaderRoom;
        var packetLength = headerLength - 6 + esLength;
        if (streamId == VideoStreamId || packetLength > ushort.MaxValue)
        {
            packetLength = 0;
        }
        header[0] = 0;
        header[1] = 0;
        header[2] = 1;
        header[3] = streamId;
        header[4] = (byte)(packetLength >> 8);
        header[5] = (byte)packetLength;
        header[6] = 0x80; // '10' marker, not scrambled
        header[7] = (byte)(withDts ? 0xC0 : 0x80);
        header[8] = (byte)(headerLength - 9);
        WriteTimestamp(header[9..], withDts ? 0x3 : 0x2, pts);
        if (withDts)
        {
            WriteTimestamp(header[14..], 0x1, dts);
        }
        return _pes.AsSpan(start, _pesLength - start);
    }

    /// <summary>33-bit PTS/DTS split 3+15+15 with marker bits, behind a 4-bit prefix.</summary>
    private static void WriteTimestamp(Span<byte> dest, int prefix, long value)
    {
        dest[0] = (byte)((prefix << 4) | (int)((value >> 29) & 0x0E) | 1);
        dest[1] = (byte)(value >> 22);
        dest[2] = (byte)(((value >> 14) & 0xFE) | 1);
        dest[3] = (byte)(value >> 7);
        dest[4] = (byte)(((value << 1) & 0xFE) | 1);
    }
}
