using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Rtp;

/// <summary>
/// What every video depacketizer shares, whatever its payload format: packets fed in sequence order
/// (after an RtpReorderBuffer) make a picture that ends at the marker bit or when the timestamp
/// changes. A sequence gap or a payload the format rejects discards the picture it hits and raises
/// <see cref="KeyframeNeeded"/>; until the next keyframe, pictures that are not keyframes are dropped
/// too (they would reference what was lost). Subclasses read their payloads and build the picture.
/// </summary>
public abstract class RtpPictureDepacketizer<TPicture> : IRtpVideoDepacketizer
    where TPicture : class
{
    private readonly Action<TPicture> _onPicture;
    private bool _pending;
    private bool _broken;
    private uint _timestamp;
    private int _lastSequence = -1;
    private bool _waitingForKeyframe;

    private protected RtpPictureDepacketizer(VideoCodecId codec, Action<TPicture> onPicture)
    {
        Codec = codec;
        _onPicture = onPicture;
    }

    public VideoCodecId Codec { get; }

    /// <summary>Set on loss or damage; cleared when a keyframe comes out. The caller sends PLI/FIR
    /// (rate-limited) while it is set.</summary>
    public bool KeyframeNeeded { get; private set; }

    /// <summary>Packets missing from sequence gaps so far.</summary>
    public long LostPackets { get; private set; }

    /// <summary>Pictures discarded (broken, oversized or waiting for a keyframe).</summary>
    private protected long DroppedPictures { get; private set; }

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
            // A gap may have taken the previous picture's tail.
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
            // The lost packets may have been the start (or middle) of this picture.
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

    /// <summary>Emits the picture in progress if it is whole (for a stream that ends without a
    /// marker bit).</summary>
    public void Flush()
    {
        if (_pending)
        {
            Complete();
        }
    }

    /// <summary>Reads one payload into the picture in progress; false when it is malformed.</summary>
    private protected abstract bool Unpack(ReadOnlySpan<byte> payload);

    /// <summary>The picture's packets are over: closes what is in progress; false when something
    /// (a fragment) never ended.</summary>
    private protected abstract bool FinishPicture();

    /// <summary>The whole picture, or null when no data came.</summary>
    private protected abstract TPicture? TakePicture(uint timestamp);

    private protected abstract bool IsKeyframe(TPicture picture);

    /// <summary>Forgets the picture in progress, for the next one.</summary>
    private protected abstract void ResetPicture();

    private void Damage()
    {
        _broken = true;
        KeyframeNeeded = true;
        _waitingForKeyframe = true;
    }

    private void Complete()
    {
        if (!FinishPicture())
        {
            Damage();
        }

        if (!_broken && TakePicture(_timestamp) is { } picture)
        {
            if (IsKeyframe(picture))
            {
                KeyframeNeeded = false;
                _waitingForKeyframe = false;
            }

            if (_waitingForKeyframe)
            {
                DroppedPictures++;
            }
            else
            {
                _onPicture(picture);
            }
        }
        else if (_broken)
        {
            DroppedPictures++;
        }

        ResetPicture();
        _pending = false;
        _broken = false;
    }
}
