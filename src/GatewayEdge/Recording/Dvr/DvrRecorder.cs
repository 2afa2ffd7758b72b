using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Recording;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.GatewayEdge.Recording.Dvr;

/// <summary>
/// Records one publish to FLV or MP4 files by SRS's DVR plans: "session" keeps one file for the
/// whole publish, "segment" starts a new one every Duration seconds at a keyframe (and regardless
/// after <see cref="MaxSegmentFactor"/> durations without one). Files start at a keyframe with
/// WaitKeyframe, carry the stream's metadata and sequence headers, and have timestamps from 0,
/// smoothed over jumps. An MP4 file is closed when the decoder configuration changes (its init
/// segment describes one); FLV takes the new configuration in place. A failing disk closes the
/// file with what it holds, and a new one is tried at a later keyframe. Not thread safe.
/// </summary>
public sealed class DvrRecorder
{
    public const int MaxSegmentFactor = KeyframeCuts.MaxFactor;

    /// <summary>Without a keyframe for this long, a file starts anyway.</summary>
    public const int MaxKeyframeWaitMs = 10_000;

    /// <summary>After a failure, no new file is tried for this long (stream time).</summary>
    public const int RetryAfterMs = 2_000;

    private readonly DvrAssignment _assignment;
    private readonly string _vhost;
    private readonly string _app;
    private readonly string _stream;
    private readonly string _clientId;
    private readonly string _gatewayId;
    private readonly IMediaFileSystem _files;
    private readonly ILogger _logger;
    private readonly Action<DvrFile> _opened;
    private readonly Action<DvrFile> _closed;
    private readonly Func<DateTimeOffset> _clock;
    private readonly TimestampJitter _jitter = new();
    private readonly string _template;
    private readonly KeyframeCuts _cuts;

    private DvrFileWriter? _writer;
    private DvrFile? _file;
    private long _fileStart;
    private long _lastEnd;
    private long _retryAfter = long.MinValue;
    private bool _failing;
    private bool _restartForConfig;
    private byte[]? _metadata;
    private byte[]? _videoHeader;
    private byte[]? _audioHeader;

    public DvrRecorder(DvrAssignment assignment, string vhost, string app, string stream, string clientId, string gatewayId,
        IMediaFileSystem files, ILogger logger, Action<DvrFile> opened, Action<DvrFile> closed, Func<DateTimeOffset>? clock = null)
    {
        _assignment = assignment;
        _vhost = vhost;
        _app = app;
        _stream = stream;
        _clientId = clientId;
        _gatewayId = gatewayId;
        _files = files;
        _logger = logger;
        _opened = opened;
        _closed = closed;
        _clock = clock ?? (() => DateTimeOffset.Now);
        _template = PathTemplate.DvrFileTemplate(assignment.Path);
        var segmentMs = assignment.Plan == DvrPlans.Segment ? Math.Max(1000, (long)(assignment.Duration * 1000)) : long.MaxValue;
        _cuts = new KeyframeCuts(segmentMs, assignment.WaitKeyframe, MaxKeyframeWaitMs, "file", logger, "DVR " + Url);
    }

    public bool IsMp4 => _template.EndsWith(".mp4", StringComparison.OrdinalIgnoreCase);

    private string Url => StreamKey.Url(_vhost, _app, _stream);

    private bool HasVideo => _videoHeader is not null;

    public void Write(MediaFrame frame)
    {
        var firstMp3 = frame.IsAudio && !frame.IsSequenceHeader && _audioHeader is null
            && FlvAudio.SoundFormat(frame.Payload.Span) == FlvAudio.FormatMp3;
        if (frame.IsScript || frame.IsSequenceHeader || firstMp3)
        {
            if (OnHeader(frame) || !firstMp3)
            {
                return;
            }
        }

        var ts = _jitter.Correct(frame.Timestamp, frame.IsAudio);
        if (_jitter.LastWasJump)
        {
            _logger.LogWarning("DVR {Stream}: {Track} timestamp jumped to {Timestamp} ms; continuing the timeline", Url, frame.IsAudio ? "audio" : "video", frame.Timestamp);
        }
        if (_writer is not null && _cuts.ShouldCut(frame, ts, _fileStart))
        {
            Close(ts);
        }
        if (_writer is null && (!CanStart(frame, ts) || !Open(ts)))
        {
            return;
        }
        try
        {
            _writer!.Write(frame, ts - _fileStart);
            _lastEnd = Math.Max(_lastEnd, ts);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Fail("write", ex, ts);
        }
    }

    public void Flush()
    {
        try
        {
            _writer?.Flush();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Fail("write", ex, _lastEnd);
        }
    }

    /// <summary>The publish ended, or recording was stopped: closes the file.</summary>
    public void Finish()
    {
        if (_writer is not null)
        {
            Close(_lastEnd + FrameAllowanceMs);
        }
    }

    /// <summary>What the last frame is taken to last, so a file's duration covers it.</summary>
    private const int FrameAllowanceMs = 40;

    /// <summary>Keeps metadata and decoder configurations for new files. True when the frame is
    /// fully handled (nothing to write as media).</summary>
    private bool OnHeader(MediaFrame frame)
    {
        ref var slot = ref frame.IsScript ? ref _metadata : ref frame.IsVideo ? ref _videoHeader : ref _audioHeader;
        var payload = frame.Payload.Span;
        var changed = slot is not null && !payload.SequenceEqual(slot);
        var same = slot is not null && !changed;
        slot = payload.ToArray();
        _cuts.HasVideo = HasVideo;
        if (same || _writer is null)
        {
            return true;
        }
        if (frame.IsAudio && !frame.IsSequenceHeader)
        {
            // The first MP3 frame: it describes the track and is media too.
            return false;
        }
        try
        {
            var ts = _jitter.Correct(frame.Timestamp, frame.IsAudio, script: frame.IsScript);
            if (!_writer.TryWriteHeader(frame, Math.Max(0, ts - _fileStart)) && changed)
            {
                _logger.LogInformation("DVR {Stream}: decoder configuration changed; starting a new file", Url);
                Close(_lastEnd + FrameAllowanceMs);
                _restartForConfig = true;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Fail("write", ex, _lastEnd);
        }
        return true;
    }

    private bool CanStart(MediaFrame frame, long ts) => ts >= _retryAfter && _cuts.CanStart(frame, ts);

    private bool Open(long ts)
    {
        var now = _clock();
        var path = UnusedPath(PathTemplate.Expand(_template, new PathVariables(_vhost, _app, _stream, now)));
        DvrFileWriter? writer = null;
        try
        {
            writer = IsMp4
                ? Mp4DvrWriter.TryCreate(() => _files.Create(path), _videoHeader, _audioHeader)
                : new FlvDvrWriter(_files.Create(path), _metadata, _videoHeader, _audioHeader);
            if (writer is null)
            {
                _logger.LogWarning("DVR {Stream}: no decoder configuration to start {File} with yet", Url, path);
                _retryAfter = ts + RetryAfterMs;
                return false;
            }
            writer.Flush();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            writer?.Dispose();
            _files.TryDelete(path);
            LogFailure("open", path, ex);
            _retryAfter = ts + RetryAfterMs;
            return false;
        }
        if (_failing)
        {
            _failing = false;
            _logger.LogInformation("DVR {Stream}: recording again to {File}", Url, path);
        }
        else
        {
            _logger.LogInformation("DVR {Stream}: recording to {File} ({Format}, plan {Plan}{Why})", Url, path, writer.Format, _assignment.Plan,
                _restartForConfig ? ", after a decoder change" : "");
        }
        _writer = writer;
        _fileStart = ts;
        _lastEnd = ts;
        _cuts.Started();
        _restartForConfig = false;
        _file = new DvrFile(path, Environment.CurrentDirectory, writer.Format, _assignment.Plan, now.UtcDateTime, 0, writer.Size, false, _clientId, _gatewayId);
        _opened(_file);
        return true;
    }

    private void Close(long endTs)
    {
        var writer = _writer!;
        _writer = null;
        try
        {
            writer.Close(Math.Max(0, endTs - _fileStart) / 1000.0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogFailure("close", _file!.Path, ex);
            writer.Dispose();
        }
        Report(writer, endTs);
    }

    /// <summary>The file stops at what it holds; another is tried at a later keyframe.</summary>
    private void Fail(string what, Exception ex, long ts)
    {
        var writer = _writer;
        _writer = null;
        LogFailure(what, _file?.Path ?? "", ex);
        _retryAfter = ts + RetryAfterMs;
        if (writer is null)
        {
            return;
        }
        writer.Dispose();
        if (!writer.HasMedia)
        {
            _files.TryDelete(_file!.Path);
            return;
        }
        Report(writer, _lastEnd);
    }

    private void Report(DvrFileWriter writer, long endTs)
    {
        var file = _file! with
        {
            Duration = Math.Max(0, endTs - _fileStart) / 1000.0,
            Size = writer.Size,
            Closed = true,
        };
        _file = null;
        _closed(file);
    }

    private void LogFailure(string what, string path, Exception ex)
    {
        if (_failing)
        {
            _logger.LogDebug(ex, "DVR {Stream}: {What} of {File} failed again", Url, what, path);
            return;
        }
        _failing = true;
        _logger.LogError(ex, "DVR {Stream}: {What} of {File} failed; the file keeps what it holds, a new one is tried at a later keyframe", Url, what, path);
    }

    /// <summary>A template without time variables would name the next file like the last: never
    /// overwrite an existing recording, number the new one instead.</summary>
    private string UnusedPath(string path)
    {
        if (!_files.Exists(path))
        {
            return path;
        }
        var extension = Path.GetExtension(path);
        var stem = path[..^extension.Length];
        for (var i = 1; ; i++)
        {
            var candidate = $"{stem}.{i}{extension}";
            if (!_files.Exists(candidate))
            {
                return candidate;
            }
        }
    }
}
