using System.Buffers;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Containers.Mp4;
using OrleansLive.Media.Samples;

namespace OrleansLive.GatewayEdge.Recording.Dash;

/// <summary>
/// One track of a DASH publish: its decoder configuration, the fMP4 writer of its media segments
/// (a moof + mdat per GOP for video, about every second for audio, so memory stays small even for
/// 30 s segments) and where the segment in progress starts and ends on the track's timeline.
/// </summary>
internal sealed class DashTrackWriter(string id, bool video)
{
    private const int AudioSamplesPerFragment = 50;

    private MediaSample? _header;
    private Fmp4FragmentWriter? _fragments;
    private uint _nextSequence = 1;
    private long _last;
    private long _interval;

    public string Id { get; } = id;

    public bool IsVideo { get; } = video;

    /// <summary>The configuration the current init segment describes; null before one is known.</summary>
    public Fmp4TrackConfig? Config { get; private set; }

    /// <summary>A configuration arrived that the current init segment does not describe.</summary>
    public bool ConfigChanged { get; private set; }

    /// <summary>An init segment built and not yet written to disk.</summary>
    public byte[]? PendingInit { get; set; }

    public ArrayBufferWriter<byte> Buffer { get; } = new(256 * 1024);

    /// <summary>First timestamp (ms) in the segment in progress; -1 while it has no sample.</summary>
    public long FirstMs { get; private set; } = -1;

    /// <summary>Where this track's media in the segment ends: its last timestamp plus its usual frame interval.</summary>
    public long EndMs => _last + _interval;

    /// <summary>Bytes written into the segment in progress.</summary>
    public long Bytes { get; set; }

    /// <summary>Takes a decoder configuration (or the first MP3 frame); true if it differs from the last one.</summary>
    public bool OnConfig(in MediaSample sample)
    {
        if (_header is { } held && held.Header == sample.Header && held.Data.Span.SequenceEqual(sample.Data.Span))
        {
            return false;
        }
        _header = sample.Detach();
        ConfigChanged = true;
        return true;
    }

    /// <summary>Builds the init segment for the newest configuration; null if it cannot be described.</summary>
    public byte[]? TakeInit()
    {
        ConfigChanged = false;
        if (_header is not { } header)
        {
            return null;
        }
        Fmp4TrackConfig? config;
        var built = IsVideo ? Fmp4TrackConfig.TryFromVideo(header, out config) : Fmp4TrackConfig.TryFromAudio(header, out config);
        if (!built || config is null)
        {
            return null;
        }
        if (_fragments is not null)
        {
            _nextSequence = _fragments.SequenceNumber;
        }
        Config = config;
        _fragments = IsVideo ? new Fmp4FragmentWriter(config, null, _nextSequence) : new Fmp4FragmentWriter(null, config, _nextSequence);
        var init = new ArrayBufferWriter<byte>(2048);
        Fmp4Writer.WriteInitSegment(init, IsVideo ? config : null, IsVideo ? null : config);
        return init.WrittenSpan.ToArray();
    }

    /// <summary>Queues a frame at its corrected timestamp; fragments end before each video keyframe.</summary>
    public void Add(MediaFrame frame, long ts)
    {
        if (_fragments is null)
        {
            return;
        }
        var pending = _fragments.PendingSamples;
        if (pending > 0 && (IsVideo ? frame.IsKeyframe : pending >= AudioSamplesPerFragment))
        {
            WriteFragment();
        }
        if (FirstMs < 0)
        {
            FirstMs = ts;
            _last = ts;
        }
        else if (ts > _last)
        {
            _interval = Math.Min(ts - _last, 1000);
            _last = ts;
        }
        _fragments.Add(frame.Sample with { Dts = unchecked((uint)ts) });
    }

    /// <summary>Writes what is queued as one fragment into <see cref="Buffer"/>.</summary>
    public void WriteFragment()
    {
        if (_fragments is null)
        {
            return;
        }
        var before = Buffer.WrittenCount;
        _fragments.WriteFragment(Buffer);
        Bytes += Buffer.WrittenCount - before;
    }

    /// <summary>A new segment starts: the track's timeline position is kept, its counts restart.</summary>
    public void Restart()
    {
        FirstMs = -1;
        Bytes = 0;
    }

    /// <summary>Drops what is queued and buffered (a failed segment).</summary>
    public void Discard()
    {
        _fragments?.WriteFragment(new ArrayBufferWriter<byte>());
        Buffer.ResetWrittenCount();
        Restart();
    }

    /// <summary>Ticks of the track's timescale for a timestamp in ms, as the fragment writer converts them.</summary>
    public long Ticks(long ms) => Config is null ? 0 : ms * Config.Timescale / 1000;
}
