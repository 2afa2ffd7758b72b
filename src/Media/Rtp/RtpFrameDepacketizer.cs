using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Rtp;

/// <summary>
/// Reassembles VP8/VP9 pictures from RTP, with the loss handling of
/// <see cref="RtpPictureDepacketizer{TPicture}"/>: each payload descriptor says where a frame starts
/// and whether it is a keyframe; a malformed descriptor counts as damage.
/// </summary>
public abstract class RtpFrameDepacketizer : RtpPictureDepacketizer<RtpVideoFrame>
{
    private readonly int _maxFrameSize;
    private readonly List<byte[]> _frames = [];
    private byte[] _buffer = new byte[4096];
    private int _length;
    private bool _inFrame;
    private bool _keyframe;

    private protected RtpFrameDepacketizer(VideoCodecId codec, Action<RtpVideoFrame> onFrame, int maxFrameSize)
        : base(codec, onFrame)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFrameSize, 1);
        _maxFrameSize = maxFrameSize;
    }

    /// <summary>Pictures discarded (broken, oversized or waiting for a keyframe).</summary>
    public long DroppedFrames => DroppedPictures;

    // Unpack reads one payload descriptor and hands the codec data to StartFrame/Append/EndFrame;
    // false when it is malformed.

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

    /// <summary>VP8 frames end with the picture; VP9's have ended at their E bit already.</summary>
    private protected override bool FinishPicture()
    {
        EndFrame();
        return true;
    }

    private protected override RtpVideoFrame? TakePicture(uint timestamp) =>
        _frames.Count == 0 ? null : new RtpVideoFrame(Codec, timestamp, _frames.Count == 1 ? _frames[0] : Join(_frames), _keyframe);

    private protected override bool IsKeyframe(RtpVideoFrame picture) => picture.IsKeyframe;

    private protected override void ResetPicture()
    {
        _frames.Clear();
        _length = 0;
        _inFrame = false;
        _keyframe = false;
    }
}
