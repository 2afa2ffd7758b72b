using System.Buffers;
using System.Buffers.Binary;
using OrleansLive.GatewayEdge.Recording;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.Media.Containers.Mp4;

namespace OrleansLive.GatewayEdge.Recording.Dvr;

/// <summary>
/// One DVR file being written, append only: what is on disk is always a playable prefix of the
/// recording (FLV tag by tag; MP4 as an init segment and then whole movie fragments), so a killed
/// gateway leaves a file that plays up to its last flush.
/// </summary>
internal abstract class DvrFileWriter : IDisposable
{
    private readonly CountingStream _file;
    private readonly BufferedStream _output;
    private long _size;

    protected DvrFileWriter(Stream file)
    {
        _file = new CountingStream(file);
        _output = new BufferedStream(_file, 64 * 1024);
    }

    public abstract string Format { get; }

    /// <summary>Bytes in the file: all written once closed, what reached the file after a failure.</summary>
    public long Size => Math.Max(_size, _file.Written);

    /// <summary>True once a media frame went in.</summary>
    public bool HasMedia { get; protected set; }

    /// <summary>Writes a new decoder configuration or metadata met mid-file; false if this format
    /// needs a new file for it (MP4).</summary>
    public abstract bool TryWriteHeader(MediaFrame frame, long timestamp);

    public abstract void Write(MediaFrame frame, long timestamp);

    /// <summary>Pushes everything complete to the operating system.</summary>
    public virtual void Flush() => _output.Flush();

    /// <summary>Completes the file (the last fragment for MP4; the duration in the FLV metadata) and closes it.</summary>
    public virtual void Close(double durationSeconds)
    {
        _output.Flush();
        _file.Dispose();
    }

    /// <summary>Overwrites bytes already written, when the file can seek (a finishing touch, not needed to play).</summary>
    protected void Patch(long offset, ReadOnlySpan<byte> bytes)
    {
        _output.Flush();
        _file.PatchAt(offset, bytes);
    }

    /// <summary>Closes after a failure, writing nothing more; <see cref="Size"/> is then what reached the file.</summary>
    public void Dispose()
    {
        _size = 0;
        try
        {
            _file.Dispose();
        }
        catch (IOException)
        {
            // The file keeps what reached the disk.
        }
    }

    protected void Append(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        _size += bytes.Length;
    }

    /// <summary>Counts the bytes the file accepted.</summary>
    private sealed class CountingStream(Stream inner) : WriteOnlyStreamWrapper(inner)
    {
        public long Written { get; private set; }

        public override long Length => Written;

        public override long Position { get => Written; set => throw new NotSupportedException(); }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Inner.Write(buffer);
            Written += buffer.Length;
        }

        public void PatchAt(long offset, ReadOnlySpan<byte> bytes)
        {
            if (!Inner.CanSeek || offset + bytes.Length > Written)
            {
                return;
            }
            var end = Inner.Position;
            Inner.Seek(offset, SeekOrigin.Begin);
            Inner.Write(bytes);
            Inner.Seek(end, SeekOrigin.Begin);
        }
    }
}

/// <summary>FLV: header, metadata and sequence headers at time 0, then every tag with its time
/// relative to the file start. The publisher's onMetaData is written without its duration and
/// filesize (they describe the publish, not this file); a duration of 0 leads it, and is set to the
/// file's when it is closed, so players that trust the metadata see the right length.</summary>
internal sealed class FlvDvrWriter : DvrFileWriter
{
    private readonly byte[] _tagHeader = new byte[FlvConstants.TagHeaderSize];
    private readonly byte[] _tagSize = new byte[FlvConstants.PreviousTagSizeSize];
    private readonly long _durationOffset = -1;

    public FlvDvrWriter(Stream file, byte[]? metadata, byte[]? videoHeader, byte[]? audioHeader)
        : base(file)
    {
        var header = new byte[FlvConstants.FileHeaderSize + FlvConstants.PreviousTagSizeSize];
        var known = videoHeader is not null || audioHeader is not null;
        FlvWriter.WriteFileHeader(header, hasAudio: !known || audioHeader is not null, hasVideo: !known || videoHeader is not null);
        Append(header);
        var (script, durationAt) = DvrMetadata.Rewrite(metadata);
        _durationOffset = Size + FlvConstants.TagHeaderSize + durationAt;
        WriteTag(FrameTypes.Script, 0, script);
        if (videoHeader is not null)
        {
            WriteTag(FrameTypes.Video, 0, videoHeader);
        }
        if (audioHeader is not null)
        {
            WriteTag(FrameTypes.Audio, 0, audioHeader);
        }
    }

    public override string Format => "flv";

    public override bool TryWriteHeader(MediaFrame frame, long timestamp)
    {
        WriteTag(frame.Type, timestamp, frame.IsScript ? DvrMetadata.Rewrite(frame.Payload.ToArray()).Payload : frame.Payload.Span);
        return true;
    }

    public override void Close(double durationSeconds)
    {
        Span<byte> duration = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(duration, Math.Round(durationSeconds, 3));
        Patch(_durationOffset, duration);
        base.Close(durationSeconds);
    }

    public override void Write(MediaFrame frame, long timestamp)
    {
        WriteTag(frame.Type, timestamp, frame.Payload.Span);
        HasMedia = true;
    }

    private void WriteTag(byte type, long timestamp, ReadOnlySpan<byte> payload)
    {
        FlvWriter.WriteTagHeader(_tagHeader, type, payload.Length, (uint)Math.Clamp(timestamp, 0, uint.MaxValue));
        Append(_tagHeader);
        Append(payload);
        BinaryPrimitives.WriteInt32BigEndian(_tagSize, FlvConstants.TagHeaderSize + payload.Length);
        Append(_tagSize);
    }
}

/// <summary>
/// Fragmented MP4: ftyp + moov (no samples) up front, then a moof + mdat per GOP (or every
/// <see cref="MaxFragmentMs"/> without keyframes). Players and ffprobe read the duration from the
/// fragments, so the file needs no rewrite at the end and plays up to its last whole fragment.
/// </summary>
internal sealed class Mp4DvrWriter : DvrFileWriter
{
    public const int MaxFragmentMs = 2000;

    private readonly Fmp4FragmentWriter _fragments;
    private readonly ArrayBufferWriter<byte> _buffer = new(256 * 1024);
    private readonly bool _hasVideo;
    private readonly bool _mp3;
    private long _fragmentStart = -1;

    private Mp4DvrWriter(Stream file, Fmp4TrackConfig? video, Fmp4TrackConfig? audio)
        : base(file)
    {
        Fmp4Writer.WriteInitSegment(_buffer, video, audio);
        Append(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
        _fragments = new Fmp4FragmentWriter(video, audio);
        _hasVideo = video is not null;
        _mp3 = audio?.Codec == Fmp4Codec.Mp3;
    }

    public override string Format => "mp4";

    /// <summary>Builds the tracks from the decoder configurations (the first MP3 frame stands in for
    /// MP3's); null if neither track can be described.</summary>
    public static Mp4DvrWriter? TryCreate(Func<Stream> open, byte[]? videoHeader, byte[]? audioHeader)
    {
        Fmp4TrackConfig? video = null, audio = null;
        if (videoHeader is not null)
        {
            Fmp4TrackConfig.TryFromFlvVideo(videoHeader, out video);
        }
        if (audioHeader is not null)
        {
            Fmp4TrackConfig.TryFromFlvAudio(audioHeader, out audio);
        }
        return video is null && audio is null ? null : new Mp4DvrWriter(open(), video, audio);
    }

    public override bool TryWriteHeader(MediaFrame frame, long timestamp) => frame.IsScript;

    public override void Write(MediaFrame frame, long timestamp)
    {
        if (frame.IsAudio && _mp3 != (FlvAudio.SoundFormat(frame.Payload.Span) == FlvAudio.FormatMp3))
        {
            return;
        }
        if (_fragments.PendingSamples > 0
            && ((frame.IsKeyframe && _hasVideo) || timestamp - _fragmentStart >= MaxFragmentMs))
        {
            WriteFragment();
        }
        if (_fragments.PendingSamples == 0)
        {
            _fragmentStart = timestamp;
        }
        var before = _fragments.PendingSamples;
        _fragments.Add(new FlvMediaSample(frame.Type, (uint)Math.Clamp(timestamp, 0, uint.MaxValue), frame.Payload));
        HasMedia |= _fragments.PendingSamples > before;
    }

    public override void Close(double durationSeconds)
    {
        WriteFragment();
        base.Close(durationSeconds);
    }

    private void WriteFragment()
    {
        _fragments.WriteFragment(_buffer);
        Append(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
    }
}
