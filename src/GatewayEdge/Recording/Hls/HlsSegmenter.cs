using System.Text;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Recording;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.GatewayEdge.Recording.Hls;

/// <summary>A segment that was closed and listed, for the on_hls event.</summary>
/// <param name="File">Segment path as the template made it.</param>
/// <param name="Url">Segment URI relative to the playlist.</param>
/// <param name="M3u8">Playlist path as the template made it.</param>
/// <param name="M3u8Url">Playlist path relative to the HLS root (what the HTTP server serves).</param>
public sealed record HlsSegmentClosed(string File, string Url, string M3u8, string M3u8Url, long Sequence, double Duration, bool Discontinuity);

/// <summary>
/// Cuts one publish into HLS segments and keeps the playlist on disk. A segment starts at a video
/// keyframe (with WaitKeyframe; audio-only streams cut on any frame) once it has lasted the
/// fragment length, and is cut regardless after <see cref="MaxSegmentFactor"/> fragments, so a
/// stream without keyframes still gets bounded segments. A segment is written to "name.tmp" and
/// renamed when complete; only then is it listed, and the playlist is replaced atomically, so a
/// failing disk costs segments, never a valid playlist or an existing file. Timestamps that jump
/// are smoothed (see <see cref="TimestampJitter"/>); decoder changes and republishes start a new
/// segment behind EXT-X-DISCONTINUITY. Not thread safe: one drain task feeds it.
/// </summary>
public sealed class HlsSegmenter
{
    /// <summary>A segment lasting this many fragments is cut even without a keyframe.</summary>
    public const int MaxSegmentFactor = KeyframeCuts.MaxFactor;

    private const int FlushBytes = 256 * 1024;

    private readonly HlsSettings _settings;
    private readonly string _vhost;
    private readonly string _app;
    private readonly string _stream;
    private readonly HlsStreamState _state;
    private readonly IMediaFileSystem _files;
    private readonly ILogger _logger;
    private readonly Action<HlsSegmentClosed> _closed;
    private readonly Func<DateTimeOffset> _clock;
    private readonly HlsSegmentFormat _format;
    private readonly TimestampJitter _jitter = new();
    private readonly KeyframeCuts _cuts;

    private Stream? _output;
    private string _segmentFile = "";
    private long _segmentStart;
    private bool _segmentDiscontinuity;
    private bool _nextDiscontinuity;
    private bool _configChanged;
    private byte[]? _videoHeader;
    private byte[]? _audioHeader;
    private byte[]? _pendingInit;
    private string? _mapFile;
    private string? _mapUri;
    private TrackEnd _videoEnd;
    private TrackEnd _audioEnd;
    private bool _failing;
    private bool _playlistFailing;
    private readonly LowLatencyHlsStream? _live;
    private readonly long _partTargetMs;
    private bool _partOpen;
    private long _partStart;
    private bool _partIndependent;
    private long _partInterval;
    private long _lastPartFrame = -1;
    private DateTimeOffset? _wallAtZero;
    private bool _diskless;
    private bool _liveDiscontinuity;

    public HlsSegmenter(HlsSettings settings, string vhost, string app, string stream, HlsStreamState state,
        IMediaFileSystem files, ILogger logger, Action<HlsSegmentClosed> closed, Func<DateTimeOffset>? clock = null, LowLatencyHlsStream? live = null)
    {
        _live = live;
        // Low-latency parts are fMP4 fragments, so the segments on disk are fMP4 too.
        settings = live is not null ? settings with { Fmp4 = true } : settings;
        _partTargetMs = Math.Max(20, (long)(settings.PartSeconds * 1000));
        _settings = settings;
        _vhost = vhost;
        _app = app;
        _stream = stream;
        _state = state;
        _files = files;
        _logger = logger;
        _closed = closed;
        _clock = clock ?? (() => DateTimeOffset.Now);
        _format = settings.Fmp4 ? new Fmp4SegmentFormat() : new TsSegmentFormat();
        var fragmentMs = Math.Max(100, (long)(settings.Fragment * 1000));
        _cuts = new KeyframeCuts(fragmentMs, settings.WaitKeyframe, fragmentMs * MaxSegmentFactor, "segment", logger, "HLS " + Url);
        // A republish continues the playlist behind a discontinuity: timestamps and codecs restart.
        _nextDiscontinuity = state.Playlist.Entries.Count > 0;
        _liveDiscontinuity = live?.HasSegments ?? false;
        state.Playlist.Ended = false;
    }

    /// <summary>The playlist path for these settings and stream, as SRS builds it.</summary>
    public static string PlaylistPath(HlsSettings settings, string vhost, string app, string stream, DateTimeOffset now) =>
        PathTemplate.Join(settings.Path, PathTemplate.Expand(settings.M3u8File, new PathVariables(vhost, app, stream, now)));

    public int TimestampJumps => _jitter.Jumps;

    public void Write(MediaFrame frame)
    {
        if (frame.IsScript)
        {
            return;
        }
        var firstMp3 = frame.IsAudio && !frame.IsSequenceHeader && _audioHeader is null
            && frame.Header.AudioCodec == AudioCodecId.Mp3;
        if (frame.IsSequenceHeader || firstMp3)
        {
            OnHeader(frame);
            if (frame.IsSequenceHeader)
            {
                return;
            }
        }

        var ts = _jitter.Correct(frame.Timestamp, frame.IsAudio);
        if (_jitter.LastWasJump)
        {
            _logger.LogWarning("HLS {Stream}: {Track} timestamp jumped to {Timestamp} ms; continuing the timeline", Url, frame.IsAudio ? "audio" : "video", frame.Timestamp);
        }
        if (_live is not null)
        {
            // The wall time of timestamp 0 from the most promptly delivered frame: frames that waited in a
            // queue or the GOP cache would make it later than their arrival.
            var zero = _clock() - TimeSpan.FromMilliseconds(ts);
            if (_wallAtZero is not { } known || zero < known)
            {
                _wallAtZero = zero;
            }
        }
        if (_output is null)
        {
            if (!_cuts.CanStart(frame, ts))
            {
                return;
            }
            Open(ts);
        }
        else if (_cuts.ShouldCut(frame, ts, _segmentStart, early: _configChanged))
        {
            Close(ts, ended: false);
            Open(ts);
        }
        if (_output is null)
        {
            return;
        }

        ref var end = ref frame.IsAudio ? ref _audioEnd : ref _videoEnd;
        end.Add(ts);
        try
        {
            if (_live is not null)
            {
                CutPart(frame, ts);
            }
            _format.Write(frame, ts);
            if (_format.Buffered >= FlushBytes)
            {
                _format.FlushTo(_output);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Fail("write", ex);
        }
    }

    /// <summary>Moves buffered bytes to the segment file (called after each batch of frames).</summary>
    public void Flush()
    {
        if (_output is null)
        {
            return;
        }
        try
        {
            _format.FlushTo(_output);
            _output.Flush();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Fail("write", ex);
        }
    }

    /// <summary>The publish ended: closes the last segment and ends the playlist (EXT-X-ENDLIST).</summary>
    public void Finish()
    {
        if (_output is not null)
        {
            // Durations follow the video timeline when there is video, as segment cuts do.
            Close(HasVideo && _videoEnd.End > 0 ? _videoEnd.End : Math.Max(_videoEnd.End, _audioEnd.End), ended: true);
        }
        else if (_state.Playlist.Entries.Count > 0)
        {
            _state.Playlist.Ended = true;
            WritePlaylist();
        }
        _live?.End();
    }

    /// <summary>
    /// Low latency: ends the part before this frame when the part would last longer than the part target
    /// with it, or when it is a keyframe (parts then start where players can join), and starts one at it.
    /// Parts are cut on video frames (audio frames for audio-only streams); each is one moof + mdat.
    /// </summary>
    private void CutPart(MediaFrame frame, long ts)
    {
        if (_partOpen && (HasVideo ? frame.IsVideo : frame.IsAudio))
        {
            if (_lastPartFrame >= 0 && ts > _lastPartFrame)
            {
                _partInterval = Math.Min(ts - _lastPartFrame, 1000);
            }
            _lastPartFrame = ts;
            // A millisecond of slack for timestamps rounded to whole milliseconds (33/34 ms at 30 fps).
            if ((HasVideo && frame.IsKeyframe) || ts - _partStart + _partInterval > _partTargetMs + 1)
            {
                EndPart(ts);
                _format.FlushTo(_output!);
            }
        }
        if (!_partOpen)
        {
            _partOpen = true;
            _partStart = ts;
            _partIndependent = !HasVideo || frame.IsKeyframe;
        }
    }

    /// <summary>Writes the open part as a fragment and hands its bytes to the in-memory playlist; they stay
    /// buffered for the segment file.</summary>
    private void EndPart(long endTs)
    {
        _partOpen = false;
        _format.End();
        if (_format.Buffered > 0)
        {
            _live!.AddPart(_format.BufferedBytes.ToArray(), Math.Max(0, endTs - _partStart) / 1000.0, _partIndependent);
        }
    }

    private string Url => StreamKey.Url(_vhost, _app, _stream);

    private bool HasVideo => _videoHeader is not null;

    private void OnHeader(MediaFrame frame)
    {
        ref var slot = ref frame.IsVideo ? ref _videoHeader : ref _audioHeader;
        var payload = frame.Payload.Span;
        if (slot is not null && payload.SequenceEqual(slot))
        {
            return;
        }
        if (slot is not null || _output is not null)
        {
            _logger.LogInformation("HLS {Stream}: {Track} decoder configuration changed; next segment starts a discontinuity", Url, frame.IsAudio ? "audio" : "video");
            _configChanged = true;
        }
        slot = payload.ToArray();
        _cuts.HasVideo = HasVideo;
        _format.OnSequenceHeader(frame);
    }

    private void Open(long ts)
    {
        var sequence = _state.NextSequence;
        var template = _settings.TsFile;
        if (_settings.Fmp4 && template.EndsWith(".ts", StringComparison.OrdinalIgnoreCase))
        {
            template = template[..^3] + _format.SegmentExtension;
        }
        _segmentFile = PathTemplate.Join(_settings.Path, PathTemplate.Expand(template, new PathVariables(_vhost, _app, _stream, _clock(), sequence)));
        var diskless = false;
        try
        {
            if (_format.Begin() is { } init)
            {
                _live?.AddInit(init);
                _pendingInit = init;
                _mapFile = Path.ChangeExtension(_state.M3u8File, null) + $"-init{sequence}.mp4";
            }
            if (_pendingInit is not null)
            {
                _files.WriteAtomically(_mapFile!, _pendingInit);
                _pendingInit = null;
                _mapUri = RelativeUri(_mapFile!);
                _state.InitFiles.Add(_mapFile!);
                _nextDiscontinuity |= _state.Playlist.Entries.Count > 0;
            }
            _output = _files.Create(_segmentFile + ".tmp");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Fail("open", ex, memoryKeepsIt: _live is not null && ex is not InvalidDataException);
            if (_live is null || ex is InvalidDataException)
            {
                return;
            }
            // Low latency goes on from memory while the disk fails: this segment is cut but not written.
            diskless = true;
        }
        _segmentStart = ts;
        _segmentDiscontinuity = _nextDiscontinuity || _configChanged;
        // The playlist on disk goes on behind a discontinuity after a segment it could not write.
        _nextDiscontinuity = diskless;
        var liveDiscontinuity = _liveDiscontinuity || _configChanged;
        _configChanged = false;
        _cuts.Started();
        if (_live is not null)
        {
            _live.BeginSegment((_wallAtZero ?? _clock()) + TimeSpan.FromMilliseconds(ts), liveDiscontinuity);
            _liveDiscontinuity = false;
            _partOpen = false;
            _lastPartFrame = -1;
            _diskless = diskless;
            if (diskless)
            {
                _output = Stream.Null;
            }
        }
    }

    private void Close(long endTs, bool ended)
    {
        if (_live is not null)
        {
            // The in-memory playlist does not wait for the disk: its segment ends whether the file closes or not.
            if (_partOpen)
            {
                EndPart(endTs);
            }
            _live.EndSegment();
        }
        var output = _output!;
        _output = null;
        if (_diskless)
        {
            _diskless = false;
            _format.End();
            _format.FlushTo(output);
            if (ended && _state.Playlist.Entries.Count > 0)
            {
                _state.Playlist.Ended = true;
                WritePlaylist();
            }
            return;
        }
        var duration = Math.Max(0, endTs - _segmentStart) / 1000.0;
        try
        {
            _format.End();
            _format.FlushTo(output);
            output.Dispose();
            _files.Move(_segmentFile + ".tmp", _segmentFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _output = output;
            Fail("close", ex, memoryKeepsIt: true);
            if (ended && _state.Playlist.Entries.Count > 0)
            {
                _state.Playlist.Ended = true;
                WritePlaylist();
            }
            return;
        }
        if (_failing)
        {
            _failing = false;
            _logger.LogInformation("HLS {Stream}: writing segments again", Url);
        }

        var sequence = _state.NextSequence++;
        var entry = new HlsEntry(sequence, _segmentFile, RelativeUri(_segmentFile), duration, _segmentDiscontinuity,
            _settings.Fmp4 ? _mapUri : null, _settings.Fmp4 ? _mapFile : null);
        var playlist = _state.Playlist;
        playlist.Add(entry);
        var removed = playlist.Trim(_settings.Window);
        if (ended)
        {
            playlist.Ended = true;
        }
        WritePlaylist();
        if (_settings.Cleanup)
        {
            DeleteRemoved(removed);
        }
        _closed(new HlsSegmentClosed(entry.File, entry.Uri, _state.M3u8File, M3u8Url(), sequence, duration, entry.Discontinuity));
    }

    private void DeleteRemoved(List<HlsEntry> removed)
    {
        var inUse = _state.Playlist.Entries.Select(e => e.MapFile).ToHashSet();
        foreach (var entry in removed)
        {
            _files.TryDelete(entry.File);
            if (entry.MapFile is { } map && !inUse.Contains(map) && map != _mapFile && _files.TryDelete(map))
            {
                _state.InitFiles.Remove(map);
            }
        }
    }

    private void WritePlaylist()
    {
        try
        {
            _files.WriteAtomically(_state.M3u8File, Encoding.UTF8.GetBytes(_state.Playlist.Render()));
            _playlistFailing = false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (!_playlistFailing)
            {
                _logger.LogError(ex, "HLS {Stream}: playlist {File} not updated; the previous one stays", Url, _state.M3u8File);
            }
            _playlistFailing = true;
        }
    }

    /// <summary>Gives up the segment in progress: its temporary file goes, nothing is listed.</summary>
    /// <param name="memoryKeepsIt">Low latency has every frame of the failed segment (it failed on closing, or
    /// memory goes on without the disk), so the in-memory playlist has no gap.</param>
    private void Fail(string what, Exception ex, bool memoryKeepsIt = false)
    {
        _liveDiscontinuity |= !memoryKeepsIt;
        if (!_failing)
        {
            _logger.LogError(ex, "HLS {Stream}: segment {What} failed for {File}; segment dropped, playlist unchanged", Url, what, _segmentFile);
        }
        else
        {
            _logger.LogDebug(ex, "HLS {Stream}: segment {What} failed again", Url, what);
        }
        _failing = true;
        try
        {
            _output?.Dispose();
        }
        catch (Exception disposeError) when (disposeError is IOException or UnauthorizedAccessException)
        {
            _logger.LogDebug(disposeError, "Closing the failed segment");
        }
        _output = null;
        _files.TryDelete(_segmentFile + ".tmp");
        _format.Discard();
        _nextDiscontinuity = true;
        if (_live is not null)
        {
            _partOpen = false;
            _live.EndSegment();
        }
    }

    private string RelativeUri(string file)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(_state.M3u8File)) ?? "";
        return _settings.EntryPrefix + Path.GetRelativePath(directory, Path.GetFullPath(file)).Replace('\\', '/');
    }

    private string M3u8Url() =>
        Path.GetRelativePath(Path.GetFullPath(_settings.Path), Path.GetFullPath(_state.M3u8File)).Replace('\\', '/');

    /// <summary>Where a track's media ends: its last timestamp plus its usual frame interval.</summary>
    private struct TrackEnd
    {
        private long _last;
        private long _interval;
        private bool _seen;

        public readonly long End => _seen ? _last + _interval : 0;

        public void Add(long ts)
        {
            if (_seen && ts > _last)
            {
                _interval = Math.Min(ts - _last, 1000);
            }
            _last = _seen ? Math.Max(_last, ts) : ts;
            _seen = true;
        }
    }
}
