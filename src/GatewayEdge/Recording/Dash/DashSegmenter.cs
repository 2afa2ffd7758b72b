using System.Text;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Dash;

namespace OrleansLive.GatewayEdge.Recording.Dash;

/// <summary>
/// Cuts one publish into MPEG-DASH: per track (video, audio) an fMP4 init segment and media segments
/// "[mpd name]-video-N.m4s" / "-audio-N.m4s" beside the MPD, cut together at a video keyframe once
/// the fragment length has passed (any audio frame without video), and a dynamic MPD listing the last
/// timeshift seconds in a SegmentTimeline. Segments are written to ".tmp" and renamed when complete,
/// and only then listed; the MPD is replaced atomically. availabilityStartTime is the wall-clock
/// time of media time 0, taken at the publish's first frame, so a player's clock finds the live edge.
/// Not thread safe: one drain task feeds it.
/// </summary>
public sealed class DashSegmenter
{
    private const int FlushBytes = 256 * 1024;

    private readonly DashSettings _settings;
    private readonly DashStreamState _state;
    private readonly IMediaFileSystem _files;
    private readonly ILogger _logger;
    private readonly Func<DateTimeOffset> _clock;
    private readonly string _url;
    private readonly string _directory;
    private readonly string _baseName;
    private readonly TimestampJitter _jitter = new();
    private readonly KeyframeCuts _cuts;
    private readonly DashTrackWriter _video = new("video", video: true);
    private readonly DashTrackWriter _audio = new("audio", video: false);

    private DateTimeOffset? _availabilityStart;
    private bool _open;
    private long _number;
    private long _segmentStart;
    private bool _configChanged;
    private bool _failing;
    private Stream? _videoOutput;
    private Stream? _audioOutput;

    public DashSegmenter(DashSettings settings, string vhost, string app, string stream, DashStreamState state,
        IMediaFileSystem files, ILogger logger, Func<DateTimeOffset>? clock = null)
    {
        _settings = settings;
        _state = state;
        _files = files;
        _logger = logger;
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
        _url = StreamKey.Url(vhost, app, stream);
        _directory = Path.GetDirectoryName(Path.GetFullPath(state.MpdFile)) ?? ".";
        _baseName = Path.GetFileNameWithoutExtension(state.MpdFile);
        var fragmentMs = Math.Max(100, (long)(settings.Fragment * 1000));
        _cuts = new KeyframeCuts(fragmentMs, waitKeyframe: true, fragmentMs * KeyframeCuts.MaxFactor, "segment", logger, "DASH " + _url);
        // A republish starts a new timeline: the previous publish's segments leave the MPD.
        if (state.Segments.Count > 0)
        {
            foreach (var segment in state.Segments)
            {
                DeleteSegment(segment);
            }
            state.Segments.Clear();
        }
    }

    /// <summary>The MPD path for these settings and stream, as SRS builds it.</summary>
    public static string MpdPath(DashSettings settings, string vhost, string app, string stream, DateTimeOffset now) =>
        PathTemplate.Join(settings.Path, PathTemplate.Expand(settings.MpdFile, new PathVariables(vhost, app, stream, now)));

    /// <summary>The SegmentTemplate media name of a representation, relative to the MPD.</summary>
    public static string MediaTemplate(string baseName) => baseName + "-$RepresentationID$-$Number$.m4s";

    /// <summary>The init segment name of a representation, relative to the MPD.</summary>
    public static string InitName(string baseName, string id) => $"{baseName}-{id}-init.mp4";

    public void Write(MediaFrame frame)
    {
        if (frame.IsScript || !(frame.IsVideo || frame.IsAudio))
        {
            return;
        }
        var track = frame.IsVideo ? _video : _audio;
        var firstMp3 = frame.IsAudio && !frame.IsSequenceHeader && _audio.Config is null && !_audio.ConfigChanged
            && frame.Header.AudioCodec == AudioCodecId.Mp3;
        if (frame.IsSequenceHeader || firstMp3)
        {
            if (track.OnConfig(frame.Sample) && _open)
            {
                _logger.LogInformation("DASH {Stream}: {Track} decoder configuration changed; a new init segment follows", _url, track.Id);
                _configChanged = true;
            }
            _cuts.HasVideo = _video.ConfigChanged || _video.Config is not null;
            if (frame.IsSequenceHeader)
            {
                return;
            }
        }

        var ts = _jitter.Correct(frame.Timestamp, frame.IsAudio);
        if (_jitter.LastWasJump)
        {
            _logger.LogWarning("DASH {Stream}: {Track} timestamp jumped to {Timestamp} ms; continuing the timeline", _url, track.Id, frame.Timestamp);
        }
        if (!_open)
        {
            if (!_cuts.CanStart(frame, ts))
            {
                return;
            }
            _availabilityStart ??= _clock() - TimeSpan.FromMilliseconds(ts);
            Open(ts);
        }
        else if (_cuts.ShouldCut(frame, ts, _segmentStart, early: _configChanged))
        {
            Close(ts);
            Open(ts);
        }
        if (!_open || (frame.IsVideo ? _videoOutput : _audioOutput) is null)
        {
            return;
        }
        track.Add(frame, ts);
        if (track.Buffer.WrittenCount >= FlushBytes)
        {
            Flush();
        }
    }

    /// <summary>Moves buffered bytes to the segment files (called after each batch of frames).</summary>
    public void Flush()
    {
        try
        {
            FlushTrack(_video, _videoOutput);
            FlushTrack(_audio, _audioOutput);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Fail("write", ex);
        }
    }

    /// <summary>The publish ended: the last segment is closed and listed.</summary>
    public void Finish()
    {
        if (_open)
        {
            Close(_video.FirstMs >= 0 ? _video.EndMs : _audio.EndMs);
        }
    }

    private static void FlushTrack(DashTrackWriter track, Stream? output)
    {
        if (output is not null && track.Buffer.WrittenCount > 0)
        {
            output.Write(track.Buffer.WrittenSpan);
            track.Buffer.ResetWrittenCount();
        }
    }

    private string SegmentFile(DashTrackWriter track, long number) => Path.Combine(_directory, $"{_baseName}-{track.Id}-{number}.m4s");

    private void Open(long ts)
    {
        _number = _state.NextNumber;
        try
        {
            _videoOutput = OpenTrack(_video);
            _audioOutput = OpenTrack(_audio);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Fail("open", ex);
            return;
        }
        _open = _videoOutput is not null || _audioOutput is not null;
        _segmentStart = ts;
        _configChanged = false;
        _cuts.Started();
    }

    private Stream? OpenTrack(DashTrackWriter track)
    {
        track.Restart();
        if (track.ConfigChanged)
        {
            track.PendingInit = track.TakeInit();
        }
        if (track.PendingInit is { } init)
        {
            // Kept until written: a segment never goes out without the init segment it needs.
            var initFile = Path.Combine(_directory, InitName(_baseName, track.Id));
            _files.WriteAtomically(initFile, init);
            _state.Files.Add(initFile);
            track.PendingInit = null;
        }
        return track.Config is null ? null : _files.Create(SegmentFile(track, _number) + ".tmp");
    }

    private void Close(long endTs)
    {
        DashTrackSegment? video, audio;
        try
        {
            video = CloseTrack(_video, ref _videoOutput, endTs);
            audio = CloseTrack(_audio, ref _audioOutput, _audio.EndMs);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Fail("close", ex);
            return;
        }
        _open = false;
        if (video is null && audio is null)
        {
            return;
        }
        if (_failing)
        {
            _failing = false;
            _logger.LogInformation("DASH {Stream}: writing segments again", _url);
        }
        _state.NextNumber = _number + 1;
        _state.Segments.Add(new DashSegment(_number, Math.Max(endTs, _audio.EndMs), video, audio));
        Trim();
        WriteMpd();
    }

    /// <summary>Completes a track's segment file; null if the track wrote nothing into it (the file goes).</summary>
    private DashTrackSegment? CloseTrack(DashTrackWriter track, ref Stream? output, long endMs)
    {
        if (output is null)
        {
            return null;
        }
        track.WriteFragment();
        FlushTrack(track, output);
        output.Dispose();
        output = null;
        var file = SegmentFile(track, _number);
        if (track.FirstMs < 0)
        {
            _files.TryDelete(file + ".tmp");
            return null;
        }
        _files.Move(file + ".tmp", file);
        _state.Files.Add(file);
        var start = track.Ticks(track.FirstMs);
        return new DashTrackSegment(start, Math.Max(1, track.Ticks(Math.Max(endMs, track.FirstMs)) - start), track.Bytes, file);
    }

    /// <summary>Segments that ended more than timeshift seconds before the newest one leave the MPD (and the disk with Cleanup).</summary>
    private void Trim()
    {
        var segments = _state.Segments;
        var keepFrom = segments[^1].EndMs - (long)(Math.Max(0, _settings.Timeshift) * 1000);
        var removed = 0;
        while (segments.Count - removed > 1 && segments[removed].EndMs < keepFrom)
        {
            DeleteSegment(segments[removed]);
            removed++;
        }
        segments.RemoveRange(0, removed);
    }

    private void DeleteSegment(DashSegment segment)
    {
        if (!_settings.Cleanup)
        {
            return;
        }
        foreach (var part in new[] { segment.Video, segment.Audio })
        {
            if (part is not null)
            {
                _files.TryDelete(part.File);
                _state.Files.Remove(part.File);
            }
        }
    }

    private void WriteMpd()
    {
        var representations = new List<MpdRepresentation>(2);
        AddRepresentation(representations, _video, s => s.Video);
        AddRepresentation(representations, _audio, s => s.Audio);
        if (representations.Count == 0 || _availabilityStart is not { } start)
        {
            return;
        }
        var fragment = TimeSpan.FromSeconds(Math.Max(0.1, _settings.Fragment));
        // The timeline lists written segments only, so a player learns of the next one from a newer MPD:
        // re-reading it less often than once a segment would stall playback.
        var update = TimeSpan.FromSeconds(Math.Max(0.1, Math.Min(_settings.UpdatePeriod, _settings.Fragment)));
        var manifest = new MpdManifest(start, _clock(), update, TimeSpan.FromSeconds(Math.Max(_settings.Timeshift, _settings.Fragment)),
            fragment, fragment * 2, representations);
        try
        {
            _files.WriteAtomically(_state.MpdFile, Encoding.UTF8.GetBytes(MpdWriter.Write(manifest)));
            _state.Files.Add(_state.MpdFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _logger.LogError(ex, "DASH {Stream}: MPD {File} not updated; the previous one stays", _url, _state.MpdFile);
        }
    }

    private void AddRepresentation(List<MpdRepresentation> representations, DashTrackWriter track, Func<DashSegment, DashTrackSegment?> part)
    {
        if (track.Config is not { } config)
        {
            return;
        }
        var segments = new List<MpdSegment>(_state.Segments.Count);
        long bytes = 0, ticks = 0;
        foreach (var segment in _state.Segments)
        {
            if (part(segment) is { } s)
            {
                segments.Add(new MpdSegment(segment.Number, s.Start, s.Duration));
                bytes += s.Bytes;
                ticks += s.Duration;
            }
            else
            {
                // $Number$ counts on from startNumber: a number this track has no segment for ends the run.
                segments.Clear();
                bytes = ticks = 0;
            }
        }
        if (segments.Count == 0)
        {
            return;
        }
        var bandwidth = ticks > 0 ? bytes * 8 * config.Timescale / ticks : 0;
        representations.Add(new MpdRepresentation(track.Id, track.IsVideo, config.CodecString, config.Timescale, bandwidth,
            InitName(_baseName, track.Id), MediaTemplate(_baseName), segments)
        {
            Width = config.Width,
            Height = config.Height,
            SampleRate = config.SampleRate,
            Channels = config.Channels,
        });
    }

    /// <summary>Gives up the segment in progress: its temporary files go, nothing is listed.</summary>
    private void Fail(string what, Exception ex)
    {
        if (!_failing)
        {
            _logger.LogError(ex, "DASH {Stream}: segment {What} failed; segment {Number} dropped, MPD unchanged", _url, what, _number);
        }
        _failing = true;
        foreach (var (track, output) in new[] { (_video, _videoOutput), (_audio, _audioOutput) })
        {
            try
            {
                output?.Dispose();
            }
            catch (Exception disposeError) when (disposeError is IOException or UnauthorizedAccessException)
            {
                _logger.LogDebug(disposeError, "Closing the failed segment");
            }
            _files.TryDelete(SegmentFile(track, _number) + ".tmp");
            track.Discard();
        }
        _videoOutput = _audioOutput = null;
        _open = false;
        // The number is spent: a player that saw it in no MPD never asks for it.
        _state.NextNumber = _number + 1;
    }
}
