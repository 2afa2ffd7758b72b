using System.Buffers;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers;
using OrleansLive.Media.Samples;

namespace OrleansLive.Media.Containers.MpegTs;

/// <summary>
/// Stateful FLV to MPEG-TS muxer for HLS: one program, video on PID 0x100, audio on 0x101.
/// Sequence headers only update state; PAT/PMT go out before the first frame, whenever the
/// tracks change and before every video keyframe, so a segment cut at a keyframe stands alone.
/// Segmenters call <see cref="Flush"/> before closing a segment (only needed when audio is
/// packed), and audio-only segmenters call <see cref="WriteTables"/> at each segment start.
/// Video is written without a PES length and with PCR = DTS. Not thread safe: one muxer per output.
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

    private readonly PesBuffer _videoPes = new(64 * 1024);

    private byte _patCc;
    private byte _pmtCc;
    private byte _videoCc;
    private byte _audioCc;
    private int _pmtVersion;
    private bool _tablesWritten;
    private bool _tablesPending = true;
    private bool _tablesFresh;
    private long _lastPcr = -1;

    public VideoCodecId VideoCodec { get; private set; }

    public AudioCodecId AudioCodec { get; private set; }

    public bool HasVideo => VideoCodec != VideoCodecId.Unknown;

    public bool HasAudio => AudioCodec != AudioCodecId.Unknown;

    /// <summary>Muxes one sample; configurations only update state, unsupported codecs emit nothing.</summary>
    public void Write(IBufferWriter<byte> output, in MediaSample sample)
    {
        if (sample.IsVideo)
        {
            WriteVideo(output, sample);
        }
        else if (sample.IsAudio)
        {
            WriteAudio(output, sample);
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
            VideoCodecId.H264 => StreamTypes.H264,
            VideoCodecId.H265 => StreamTypes.Hevc,
            _ => (byte)0,
        };
        var audioType = AudioCodec switch
        {
            AudioCodecId.Aac => StreamTypes.Aac,
            AudioCodecId.Mp3 => StreamTypes.Mp3,
            _ => (byte)0,
        };
        var pcrPid = HasVideo || !HasAudio ? VideoPid : AudioPid;
        length = TsTables.WritePmt(section, _pmtVersion, pcrPid, videoType, VideoPid, audioType, AudioPid);
        TsPacketWriter.WriteSection(output, PmtPid, ref _pmtCc, section[..length]);
        _tablesWritten = true;
        _tablesPending = false;
        _tablesFresh = true;
    }

    private void SetVideoCodec(VideoCodecId codec)
    {
        if (codec != VideoCodec)
        {
            VideoCodec = codec;
            OnTracksChanged();
        }
    }

    private void SetAudioCodec(AudioCodecId codec)
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

    /// <summary>Writes a finished PES; tables written before it are no longer "fresh".</summary>
    private void WritePesPackets(IBufferWriter<byte> output, int pid, ref byte cc, ReadOnlySpan<byte> pes, bool randomAccess, long pcr)
    {
        TsPacketWriter.WritePes(output, pid, ref cc, pes, randomAccess, pcr);
        _tablesFresh = false;
    }
}
