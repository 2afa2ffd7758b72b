using System.Globalization;
using OrleansLive.Media.Containers.Hls;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>How a low-latency HLS request is answered.</summary>
public enum LowLatencyAnswer
{
    Ok,

    /// <summary>400: `_HLS_msn` / `_HLS_part` too far beyond the live edge, or malformed.</summary>
    BadRequest,

    /// <summary>503: not there within three target durations, or too many requests already held.</summary>
    Unavailable,

    /// <summary>404: no such segment or part (anymore).</summary>
    NotFound,
}

/// <summary>
/// One stream's Low-Latency HLS in memory, in the gateway that holds the publisher: the playlist of
/// <see cref="LowLatencyPlaylist"/> and the bytes of its init segments, segments and recent parts. The
/// segmenter adds parts as they are cut; requests that block (a playlist with `_HLS_msn` / `_HLS_part`,
/// the preload-hinted part) wait on a task completed when the part exists, so a held request costs no
/// thread, and at most <see cref="MaxHeldRequests"/> are held at once. Thread safe.
/// </summary>
public sealed class LowLatencyHlsStream
{
    /// <summary>Requests held per stream by default; more are answered 503 at once.</summary>
    public const int MaxHeldRequests = 2048;

    private readonly object _gate = new();
    private readonly LowLatencyPlaylist _playlist;
    private readonly string _baseName;
    private readonly Dictionary<string, byte[]> _resources = new(StringComparer.Ordinal);
    private readonly List<byte[]> _openParts = [];
    private readonly List<Held> _held = [];
    private readonly Dictionary<(bool Skip, string Query), string> _rendered = [];
    private readonly TimeSpan? _holdTimeout;
    private readonly int _maxHeld;
    private string _mapUri = "";
    private int _inits;

    /// <param name="baseName">The playlist's file name without extension; every URI starts with it.</param>
    /// <param name="holdTimeout">Overrides the three target durations a request is held.</param>
    public LowLatencyHlsStream(string baseName, double segmentSeconds, double partSeconds, double windowSeconds,
        TimeSpan? holdTimeout = null, int maxHeldRequests = MaxHeldRequests)
    {
        _holdTimeout = holdTimeout;
        _maxHeld = maxHeldRequests;
        _baseName = baseName + "-ll";
        _playlist = new LowLatencyPlaylist(_baseName, segmentSeconds, partSeconds, windowSeconds);
    }

    /// <summary>The marker between a playlist's name and its resources' names.</summary>
    public const string NameMarker = "-ll-";

    /// <summary>How long a blocking request is held before 503: three target durations (RFC 8216bis 6.2.5.2).</summary>
    public TimeSpan HoldTimeout
    {
        get
        {
            lock (_gate)
            {
                return _holdTimeout ?? TimeSpan.FromSeconds(3 * _playlist.TargetDuration);
            }
        }
    }

    /// <summary>Whether a publish already wrote segments (a republish then starts behind a discontinuity).</summary>
    public bool HasSegments
    {
        get
        {
            lock (_gate)
            {
                return _playlist.Segments.Any();
            }
        }
    }

    public int HeldRequests
    {
        get
        {
            lock (_gate)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>A new init segment (decoder configuration); the next segment maps it.</summary>
    public void AddInit(byte[] init)
    {
        lock (_gate)
        {
            _mapUri = $"{_baseName}-init{(_inits++).ToString(CultureInfo.InvariantCulture)}.mp4";
            _resources[_mapUri] = init;
        }
    }

    /// <summary>Opens a segment whose first sample arrived at <paramref name="programDateTime"/>.</summary>
    public void BeginSegment(DateTimeOffset programDateTime, bool discontinuity)
    {
        lock (_gate)
        {
            EndSegmentLocked();
            _playlist.BeginSegment(_mapUri, programDateTime, discontinuity);
            Changed();
        }
    }

    /// <summary>A part of the open segment is complete: one or more moof + mdat.</summary>
    public void AddPart(byte[] bytes, double durationSeconds, bool independent)
    {
        lock (_gate)
        {
            if (_playlist.Open is null)
            {
                return;
            }
            var part = _playlist.AddPart(durationSeconds, independent);
            _resources[part.Uri] = bytes;
            _openParts.Add(bytes);
            Changed();
        }
    }

    public void EndSegment()
    {
        lock (_gate)
        {
            EndSegmentLocked();
            Changed();
        }
    }

    /// <summary>The publish ended: EXT-X-ENDLIST, and every held request is answered.</summary>
    public void End()
    {
        lock (_gate)
        {
            var open = _playlist.Open;
            var removed = _playlist.End();
            Store(open, removed);
            Changed();
        }
    }

    /// <summary>The playlist; with <paramref name="sequence"/> a blocking reload held until that segment (and part) exists.</summary>
    public async Task<(LowLatencyAnswer Answer, string? Text)> PlaylistAsync(long? sequence, int? part, bool skip, string uriQuery, CancellationToken cancel)
    {
        if (sequence is null)
        {
            return part is null ? (LowLatencyAnswer.Ok, Render(skip, uriQuery)) : (LowLatencyAnswer.BadRequest, null);
        }
        var answer = await WaitForAsync(sequence.Value, part, cancel).ConfigureAwait(false);
        return answer == LowLatencyAnswer.Ok ? (answer, Render(skip, uriQuery)) : (answer, null);
    }

    /// <summary>An init segment, segment or part by name; a part not yet written but due soon (the preload hint) is waited for.</summary>
    public async Task<(LowLatencyAnswer Answer, byte[]? Bytes)> ResourceAsync(string name, CancellationToken cancel)
    {
        lock (_gate)
        {
            if (_resources.TryGetValue(name, out var ready))
            {
                return (LowLatencyAnswer.Ok, ready);
            }
        }
        if (!TryParsePart(name, out var sequence, out var part))
        {
            return (LowLatencyAnswer.NotFound, null);
        }
        var answer = await WaitForAsync(sequence, part, cancel).ConfigureAwait(false);
        if (answer != LowLatencyAnswer.Ok)
        {
            return (answer == LowLatencyAnswer.BadRequest ? LowLatencyAnswer.NotFound : answer, null);
        }
        lock (_gate)
        {
            // A later part came instead (the segment ended first): this one never will.
            return _resources.TryGetValue(name, out var bytes) ? (LowLatencyAnswer.Ok, bytes) : (LowLatencyAnswer.NotFound, null);
        }
    }

    private async Task<LowLatencyAnswer> WaitForAsync(long sequence, int? part, CancellationToken cancel)
    {
        Held held;
        TimeSpan timeout;
        lock (_gate)
        {
            switch (_playlist.Check(sequence, part))
            {
                case BlockingReload.Ready:
                    return LowLatencyAnswer.Ok;
                case BlockingReload.TooFarAhead:
                    return LowLatencyAnswer.BadRequest;
            }
            if (_held.Count >= _maxHeld)
            {
                return LowLatencyAnswer.Unavailable;
            }
            held = new Held(sequence, part);
            _held.Add(held);
            timeout = _holdTimeout ?? TimeSpan.FromSeconds(3 * _playlist.TargetDuration);
        }
        try
        {
            await held.Done.Task.WaitAsync(timeout, cancel).ConfigureAwait(false);
            return LowLatencyAnswer.Ok;
        }
        catch (TimeoutException)
        {
            return LowLatencyAnswer.Unavailable;
        }
        finally
        {
            lock (_gate)
            {
                _held.Remove(held);
            }
        }
    }

    private bool TryParsePart(string name, out long sequence, out int part)
    {
        sequence = 0;
        part = 0;
        var prefix = _baseName + "-";
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || !name.EndsWith(".m4s", StringComparison.Ordinal))
        {
            return false;
        }
        var numbers = name[prefix.Length..^4].Split('.');
        return numbers.Length == 2
            && long.TryParse(numbers[0], NumberStyles.None, CultureInfo.InvariantCulture, out sequence)
            && int.TryParse(numbers[1], NumberStyles.None, CultureInfo.InvariantCulture, out part);
    }

    private string Render(bool skip, string uriQuery)
    {
        lock (_gate)
        {
            if (!_rendered.TryGetValue((skip, uriQuery), out var text))
            {
                // Rendered once per change and shared by every request that asks with the same query.
                text = _playlist.Render(skip, uriQuery);
                if (_rendered.Count >= 16)
                {
                    _rendered.Clear();
                }
                _rendered[(skip, uriQuery)] = text;
            }
            return text;
        }
    }

    private void EndSegmentLocked()
    {
        var open = _playlist.Open;
        Store(open, _playlist.EndSegment());
    }

    /// <summary>Keeps the bytes of the segment just completed, forgets those of the segments that left the
    /// window, and the part bytes of segments too old to be listed with parts.</summary>
    private void Store(LowLatencySegment? completed, List<LowLatencySegment> removed)
    {
        if (completed is { Complete: true })
        {
            var whole = new byte[_openParts.Sum(p => p.Length)];
            var offset = 0;
            foreach (var bytes in _openParts)
            {
                bytes.CopyTo(whole, offset);
                offset += bytes.Length;
            }
            _resources[completed.Uri] = whole;
        }
        _openParts.Clear();
        foreach (var segment in removed)
        {
            _resources.Remove(segment.Uri);
            foreach (var part in segment.Parts)
            {
                _resources.Remove(part.Uri);
            }
        }
        var listed = _playlist.Segments.ToList();
        var maps = listed.Select(s => s.MapUri).Append(_mapUri).ToHashSet();
        foreach (var map in removed.Select(s => s.MapUri).Distinct().Where(m => !maps.Contains(m)))
        {
            _resources.Remove(map);
        }
        // Parts stay a target duration longer than the playlist lists them, for requests already on their way.
        var keepFrom = listed.Sum(s => s.Duration) - (4.0 * _playlist.TargetDuration);
        var start = 0.0;
        foreach (var segment in listed)
        {
            start += segment.Duration;
            if (start >= keepFrom)
            {
                break;
            }
            foreach (var part in segment.Parts)
            {
                _resources.Remove(part.Uri);
            }
        }
    }

    /// <summary>Drops cached texts and answers every held request the playlist now satisfies.</summary>
    private void Changed()
    {
        _rendered.Clear();
        foreach (var held in _held)
        {
            if (_playlist.Check(held.Sequence, held.Part) != BlockingReload.Wait)
            {
                held.Done.TrySetResult();
            }
        }
    }

    private sealed class Held(long sequence, int? part)
    {
        public long Sequence { get; } = sequence;

        public int? Part { get; } = part;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
