using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Rtp;

/// <summary>
/// Reassembles access units from RTP packets fed in sequence order (after an RtpReorderBuffer).
/// An access unit ends at the marker bit or when the timestamp changes. A sequence gap, a broken
/// fragment or an oversized access unit discards the access unit it hits and raises
/// <see cref="KeyframeNeeded"/>; until the next keyframe, access units that are not keyframes are
/// dropped too (they would reference what was lost).
/// </summary>
public abstract class RtpVideoDepacketizer : IRtpVideoDepacketizer
{
    public const int DefaultMaxAccessUnitSize = 8 * 1024 * 1024;

    /// <summary>More NAL units than any real picture has (slices are at most a few hundred).</summary>
    public const int MaxNalsPerAccessUnit = 2048;

    private readonly Action<RtpAccessUnit> _onAccessUnit;
    private readonly int _maxAccessUnitSize;
    private readonly List<byte[]> _nals = [];
    private byte[] _fragment = new byte[2048];
    private int _fragmentLength;
    private bool _inFragment;
    private int _size;
    private bool _pending;
    private bool _broken;
    private uint _timestamp;
    private int _lastSequence = -1;
    private bool _waitingForKeyframe;

    private protected RtpVideoDepacketizer(VideoCodecId codec, Action<RtpAccessUnit> onAccessUnit, int maxAccessUnitSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAccessUnitSize, 1);
        Codec = codec;
        _onAccessUnit = onAccessUnit;
        _maxAccessUnitSize = maxAccessUnitSize;
    }

    public VideoCodecId Codec { get; }

    /// <summary>Set on loss or damage; cleared when a keyframe access unit comes out. The caller
    /// sends PLI/FIR (rate-limited) while it is set.</summary>
    public bool KeyframeNeeded { get; private set; }

    /// <summary>Packets missing from sequence gaps so far.</summary>
    public long LostPackets { get; private set; }

    /// <summary>Access units discarded (broken, oversized or waiting for a keyframe).</summary>
    public long DroppedAccessUnits { get; private set; }

    /// <summary>The latest SPS seen (NAL header included), for the decoder configuration record.</summary>
    public byte[]? Sps { get; private set; }

    public byte[]? Pps { get; private set; }

    /// <summary>The latest VPS seen (HEVC only).</summary>
    public byte[]? Vps { get; private set; }

    /// <summary>avcC/hvcC from the latest parameter sets; null until all of them were seen or when
    /// the SPS does not decode.</summary>
    public abstract byte[]? BuildDecoderRecord();

    /// <summary>Feeds one RTP packet (header + payload); false when it was not used (malformed,
    /// duplicate or late).</summary>
    public bool Push(ReadOnlySpan<byte> packet)
    {
        if (!RtpHeader.TryParse(packet, out var header))
        {
            return false;
        }

        var step = RtpSequence.Step(_lastSequence, header.SequenceNumber);
        if (step == 0)
        {
            return false;
        }

        var loss = step > 1;
        LostPackets += step - 1;
        _lastSequence = header.SequenceNumber;
        if (_pending && header.Timestamp != _timestamp)
        {
            // A gap may have taken the previous access unit's tail.
            if (loss)
            {
                _broken = true;
            }

            Complete();
        }

        if (!_pending)
        {
            _pending = true;
            _timestamp = header.Timestamp;
        }

        if (loss)
        {
            // The lost packets may have been the start (or middle) of this access unit.
            Damage();
        }

        if (!_broken && !Unpack(header.Payload(packet)))
        {
            Damage();
        }

        if (header.Marker)
        {
            Complete();
        }

        return true;
    }

    /// <summary>Emits the access unit in progress if it is whole (for a stream that ends without a
    /// marker bit).</summary>
    public void Flush()
    {
        if (_pending)
        {
            Complete();
        }
    }

    /// <summary>Reads one payload into NAL units with AddNal and the fragment helpers; false when
    /// it is malformed or of a kind this packetization mode does not use.</summary>
    private protected abstract bool Unpack(ReadOnlySpan<byte> payload);

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

    private void Damage()
    {
        _broken = true;
        KeyframeNeeded = true;
        _waitingForKeyframe = true;
    }

    private void Complete()
    {
        if (_inFragment)
        {
            Damage(); // the fragmented NAL unit never ended
        }

        if (!_broken && _nals.Count > 0)
        {
            var accessUnit = new RtpAccessUnit(Codec, _timestamp, [.. _nals]);
            if (accessUnit.IsKeyframe)
            {
                KeyframeNeeded = false;
                _waitingForKeyframe = false;
            }

            if (_waitingForKeyframe)
            {
                DroppedAccessUnits++;
            }
            else
            {
                _onAccessUnit(accessUnit);
            }
        }
        else if (_broken)
        {
            DroppedAccessUnits++;
        }

        _nals.Clear();
        _size = 0;
        _inFragment = false;
        _fragmentLength = 0;
        _pending = false;
        _broken = false;
    }
}
