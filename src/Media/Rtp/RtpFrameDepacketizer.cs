using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Rtp;

/// <summary>
/// Reassembles VP8/VP9 pictures from RTP packets fed in sequence order (after an RtpReorderBuffer):
/// each payload descriptor says where a frame starts and whether it is a keyframe; the marker bit (or
/// a new timestamp) ends the picture. Loss is handled as <see cref="RtpVideoDepacketizer"/> does: a
/// sequence gap or a malformed descriptor discards the picture it hits and raises
/// <see cref="KeyframeNeeded"/>; pictures that are not keyframes are dropped until the next keyframe.
/// </summary>
public abstract class RtpFrameDepacketizer : IRtpVideoDepacketizer
{
    private readonly Action<RtpVideoFrame> _onFrame;
    private readonly int _maxFrameSize;
    private readonly List<byte[]> _frames = [];
    private byte[] _buffer = new byte[4096];
    private int _length;
    private bool _inFrame;
    private bool _keyframe;
    private bool _pending;
    private bool _broken;
    private uint _timestamp;
    private int _lastSequence = -1;
    private bool _waitingForKeyframe;

    private protected RtpFrameDepacketizer(VideoCodecId codec, Action<RtpVideoFrame> onFrame, int maxFrameSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameSize, 1);
        Codec = codec;
        _onFrame = onFrame;
        _maxFrameSize = maxFrameSize;
    }

    public VideoCodecId Codec { get; }

    /// <summary>Set on loss or damage; cleared when a keyframe comes out.</summary>
    public bool KeyframeNeeded { get; private set; }

    /// <summary>Packets missing from sequence gaps so far.</summary>
    public long LostPackets { get; private set; }

    /// <summary>Pictures discarded (broken, oversized or waiting for a keyframe).</summary>
    public long DroppedFrames { get; private set; }

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
            if (loss)
            {
                _broken = true; // the gap may have taken the previous picture's tail
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

    /// <summary>Reads one payload descriptor and hands the codec data to StartFrame/Append/EndFrame;
    /// false when it is malformed.</summary>
    private protected abstract bool Unpack(ReadOnlySpan<byte> payload);

    /// <summary>Joins the frames of one picture (VP9 spatial layers) into what a decoder takes.</summary>
    private protected abstract byte[] Join(IReadOnlyList<byte[]> frames);

    /// <summary>A frame begins; false when the previous one never ended.</summary>
    private protected bool StartFrame(bool keyframe)
    {
        if (_inFrame)
        {
            return false;
        }

        if (_frames.Count == 0)
        {
            _keyframe = keyframe;
        }

        _inFrame = true;
        _length = 0;
        return true;
    }

    /// <summary>Codec data of the frame in progress; false outside a frame or beyond the size limit.</summary>
    private protected bool Append(ReadOnlySpan<byte> data)
    {
        if (!_inFrame || _length + data.Length > _maxFrameSize)
        {
            return false;
        }

        if (_length + data.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + data.Length));
        }

        data.CopyTo(_buffer.AsSpan(_length));
        _length += data.Length;
        return true;
    }

    /// <summary>The frame in progress is whole (VP9's E bit); VP8 frames end with the picture.</summary>
    private protected void EndFrame()
    {
        if (_inFrame)
        {
            _inFrame = false;
            _frames.Add(_buffer.AsSpan(0, _length).ToArray());
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
        EndFrame();
        if (!_broken && _frames.Count > 0)
        {
            var frame = new RtpVideoFrame(Codec, _timestamp, _frames.Count == 1 ? _frames[0] : Join(_frames), _keyframe);
            if (frame.IsKeyframe)
            {
                KeyframeNeeded = false;
                _waitingForKeyframe = false;
            }

            if (_waitingForKeyframe)
            {
                DroppedFrames++;
            }
            else
            {
                _onFrame(frame);
            }
        }
        else if (_broken)
        {
            DroppedFrames++;
        }

        _frames.Clear();
        _length = 0;
        _inFrame = false;
        _pending = false;
        _broken = false;
        _keyframe = false;
    }
}
