using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Rtp;

/// <summary>
/// Reassembles access units of NAL units (H.264, H.265) from RTP, with the loss handling of
/// <see cref="RtpPictureDepacketizer{TPicture}"/>: a broken fragment or an oversized access unit
/// counts as damage too. Keeps the latest parameter sets for the decoder configuration record.
/// </summary>
public abstract class RtpVideoDepacketizer : RtpPictureDepacketizer<RtpAccessUnit>
{
    public const int DefaultMaxAccessUnitSize = 8 * 1024 * 1024;

    /// <summary>More NAL units than any real picture has (slices are at most a few hundred).</summary>
    public const int MaxNalsPerAccessUnit = 2048;

    private readonly int _maxAccessUnitSize;
    private readonly List<byte[]> _nals = [];
    private byte[] _fragment = new byte[2048];
    private int _fragmentLength;
    private bool _inFragment;
    private int _size;

    private protected RtpVideoDepacketizer(VideoCodecId codec, Action<RtpAccessUnit> onAccessUnit, int maxAccessUnitSize)
        : base(codec, onAccessUnit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAccessUnitSize, 1);
        _maxAccessUnitSize = maxAccessUnitSize;
    }

    /// <summary>Access units discarded (broken, oversized or waiting for a keyframe).</summary>
    public long DroppedAccessUnits => DroppedPictures;

    /// <summary>The latest SPS seen (NAL header included), for the decoder configuration record.</summary>
    public byte[]? Sps { get; private set; }

    public byte[]? Pps { get; private set; }

    /// <summary>The latest VPS seen (HEVC only).</summary>
    public byte[]? Vps { get; private set; }

    /// <summary>avcC/hvcC from the latest parameter sets; null until all of them were seen or when
    /// the SPS does not decode.</summary>
    public abstract byte[]? BuildDecoderRecord();

    // Unpack reads one payload into NAL units with AddNal and the fragment helpers; false when it
    // is malformed or of a kind this packetization mode does not use.

    private protected bool AddNal(ReadOnlySpan<byte> nal)
    {
        if (_inFragment || !Reserve(nal.Length))
        {
            return false;
        }

        Keep(nal.ToArray());
        return true;
    }

    private protected bool StartFragment(ReadOnlySpan<byte> nalHeader, ReadOnlySpan<byte> data)
    {
        if (_inFragment)
        {
            return false;
        }

        _inFragment = true;
        _fragmentLength = 0;
        return AppendFragment(nalHeader) && AppendFragment(data);
    }

    private protected bool ContinueFragment(ReadOnlySpan<byte> data, bool end)
    {
        if (!_inFragment || !AppendFragment(data))
        {
            return false;
        }

        if (end)
        {
            _inFragment = false;
            Keep(_fragment.AsSpan(0, _fragmentLength).ToArray());
        }

        return true;
    }

    private bool AppendFragment(ReadOnlySpan<byte> data)
    {
        if (!Reserve(data.Length))
        {
            return false;
        }

        if (_fragmentLength + data.Length > _fragment.Length)
        {
            Array.Resize(ref _fragment, Math.Max(_fragment.Length * 2, _fragmentLength + data.Length));
        }

        data.CopyTo(_fragment.AsSpan(_fragmentLength));
        _fragmentLength += data.Length;
        return true;
    }

    private bool Reserve(int length)
    {
        if (_size + length > _maxAccessUnitSize || _nals.Count >= MaxNalsPerAccessUnit)
        {
            return false;
        }

        _size += length;
        return true;
    }

    private void Keep(byte[] nal)
    {
        _nals.Add(nal);
        if (nal.Length <= NalUnit.MaxParameterSetSize)
        {
            switch (NalUnit.Type(Codec, nal))
            {
                case NalUnit.AvcSps when Codec == VideoCodecId.H264:
                case NalUnit.HevcSps when Codec == VideoCodecId.H265:
                    Sps = nal;
                    break;
                case NalUnit.AvcPps when Codec == VideoCodecId.H264:
                case NalUnit.HevcPps when Codec == VideoCodecId.H265:
                    Pps = nal;
                    break;
                case NalUnit.HevcVps when Codec == VideoCodecId.H265:
                    Vps = nal;
                    break;
            }
        }
    }

    /// <summary>A fragmented NAL unit that never ended breaks the access unit.</summary>
    private protected override bool FinishPicture() => !_inFragment;

    private protected override RtpAccessUnit? TakePicture(uint timestamp) => _nals.Count > 0 ? new RtpAccessUnit(Codec, timestamp, [.. _nals]) : null;

    private protected override bool IsKeyframe(RtpAccessUnit picture) => picture.IsKeyframe;

    private protected override void ResetPicture()
    {
        _nals.Clear();
        _size = 0;
        _inFragment = false;
        _fragmentLength = 0;
    }
}
