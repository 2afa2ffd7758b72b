using System.Buffers;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Mp4;
using OrleansLive.Media.Containers.MpegTs;
using OrleansLive.Media.Samples;

namespace OrleansLive.GatewayEdge.Recording.Hls;

/// <summary>
/// How segments are muxed: MPEG-TS or fMP4. One instance serves all segments of a publish, so
/// muxer state (continuity counters, fragment sequence numbers) carries from one to the next.
/// Output is buffered in memory and written out by <see cref="FlushTo"/>.
/// </summary>
internal abstract class HlsSegmentFormat
{
    protected ArrayBufferWriter<byte> Buffer { get; } = new(256 * 1024);

    public abstract string SegmentExtension { get; }

    public int Buffered => Buffer.WrittenCount;

    /// <summary>The bytes written since the last flush (with low latency: the part just ended).</summary>
    public ReadOnlySpan<byte> BufferedBytes => Buffer.WrittenSpan;

    /// <summary>Decoder configuration changed since the current init segment (fMP4) or stream start.</summary>
    public bool ConfigChanged { get; protected set; }

    /// <summary>Takes a sequence header (or the first MP3 frame, MP3 having none): updates what the tracks are.</summary>
    public abstract void OnSequenceHeader(MediaFrame frame);

    /// <summary>Starts a segment. Returns the bytes of a new init segment when one is needed (fMP4), else null.</summary>
    public abstract byte[]? Begin();

    public abstract void Write(MediaFrame frame, long timestamp);

    /// <summary>Ends the segment: whatever is still queued goes into the buffer.</summary>
    public abstract void End();

    /// <summary>Drops buffered output (a failed segment).</summary>
    public virtual void Discard() => Buffer.ResetWrittenCount();

    public void FlushTo(Stream output)
    {
        if (Buffer.WrittenCount > 0)
        {
            output.Write(Buffer.WrittenSpan);
            Buffer.ResetWrittenCount();
        }
    }

    /// <summary>The frame's sample on the segmenter's (jitter-corrected) timeline.</summary>
    protected static MediaSample Sample(MediaFrame frame, long timestamp) => frame.Sample with { Dts = unchecked((uint)timestamp) };
}

/// <summary>MPEG-TS segments: PAT/PMT at the start of each, in-band parameter sets at keyframes.</summary>
internal sealed class TsSegmentFormat : HlsSegmentFormat
{
    private readonly TsMuxer _muxer = new();

    public override string SegmentExtension => ".ts";

    public override void OnSequenceHeader(MediaFrame frame)
    {
        if (frame.IsSequenceHeader)
        {
            _muxer.Write(Buffer, Sample(frame, frame.Timestamp));
        }
    }

    public override byte[]? Begin()
    {
        _muxer.WriteTables(Buffer);
        return null;
    }

    public override void Write(MediaFrame frame, long timestamp) => _muxer.Write(Buffer, Sample(frame, timestamp));

    public override void End() => _muxer.Flush(Buffer);
}

/// <summary>
/// fMP4 (CMAF) segments: an init segment (ftyp + moov) whenever the decoder configuration changes,
/// then one or more moof + mdat fragments per segment, each starting at a keyframe.
/// </summary>
internal sealed class Fmp4SegmentFormat : HlsSegmentFormat
{
    private MediaSample? _videoHeader;
    private MediaSample? _audioHeader;
    private Fmp4FragmentWriter? _fragments;
    private bool _hasVideoTrack;
    private uint _nextSequence = 1;

    public override string SegmentExtension => ".m4s";

    public override void OnSequenceHeader(MediaFrame frame)
    {
        var sample = frame.Sample;
        ref var slot = ref frame.IsVideo ? ref _videoHeader : ref _audioHeader;
        if (slot is { } held && held.Header == sample.Header && held.Data.Span.SequenceEqual(sample.Data.Span))
        {
            return;
        }
        slot = sample.Detach();
        ConfigChanged = true;
    }

    public override byte[]? Begin()
    {
        if (_fragments is not null && !ConfigChanged)
        {
            return null;
        }
        if (_fragments is not null)
        {
            _nextSequence = _fragments.SequenceNumber;
        }
        Fmp4TrackConfig? video = null, audio = null;
        if (_videoHeader is { } videoHeader)
        {
            Fmp4TrackConfig.TryFromVideo(videoHeader, out video);
        }
        if (_audioHeader is { } audioHeader)
        {
            Fmp4TrackConfig.TryFromAudio(audioHeader, out audio);
        }
        if (video is null && audio is null)
        {
            throw new InvalidDataException("No decoder configuration to build an fMP4 init segment from.");
        }
        var init = new ArrayBufferWriter<byte>(4096);
        Fmp4Writer.WriteInitSegment(init, video, audio);
        _fragments = new Fmp4FragmentWriter(video, audio, _nextSequence);
        _hasVideoTrack = video is not null;
        ConfigChanged = false;
        return init.WrittenSpan.ToArray();
    }

    public override void Write(MediaFrame frame, long timestamp)
    {
        var fragments = _fragments!;
        if (frame.IsKeyframe && _hasVideoTrack && fragments.PendingSamples > 0)
        {
            fragments.WriteFragment(Buffer);
        }
        fragments.Add(Sample(frame, timestamp));
    }

    public override void End() => _fragments?.WriteFragment(Buffer);

    public override void Discard()
    {
        // Queued samples belong to the failed segment.
        _fragments?.WriteFragment(new ArrayBufferWriter<byte>());
        base.Discard();
    }
}
