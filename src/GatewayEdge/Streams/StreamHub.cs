using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Media.Codecs;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>
/// The in-process meeting point of one stream on this gateway: one publisher, any number of players.
/// Holds the latest metadata and sequence headers and, with the GOP cache on, every frame since the
/// last keyframe, so a new player starts at once on a keyframe. Fans each frame out by reference.
/// </summary>
public sealed class StreamHub
{
    private readonly object _gate = new();
    private readonly List<MediaFrame> _gop = new();
    private PlayerQueue[] _players = [];
    private MediaFrame? _metadata;
    private MediaFrame? _videoHeader;
    private MediaFrame? _audioHeader;
    private bool _gopOpen;
    private StreamTsMux? _tsMux;
    private int _tsPlayers;
    private long _recvBytes;
    private long _videoFrames;
    private long _departedSentBytes;

    public StreamHub(string vhost, string app, string stream, StreamHubOptions options)
    {
        Vhost = vhost;
        App = app;
        Stream = stream;
        Options = options;
    }

    public string Vhost { get; }

    public string App { get; }

    public string Stream { get; }

    public string Key => Interfaces.StreamKey.Of(Vhost, App, Stream);

    public StreamHubOptions Options { get; }

    /// <summary>Client id of the local publisher, or null when nobody publishes here.</summary>
    public string? PublisherClientId { get; private set; }

    /// <summary>The publisher is this gateway pulling the stream from the gateway that holds the real
    /// publisher (edge play), not an encoder.</summary>
    public bool PublisherIsEdge { get; private set; }

    /// <summary>Count of publisher and player references held through the registry.</summary>
    internal int Users { get; set; }

    public bool HasVideo => _videoHeader is not null;

    /// <summary>The video codec of the current sequence header; Unknown before one arrived.</summary>
    public VideoCodecId VideoCodec => Volatile.Read(ref _videoHeader)?.Header.VideoCodec ?? VideoCodecId.Unknown;

    /// <summary>The codec of the stream's audio, from its last audio frame; Unknown before any.</summary>
    public AudioCodecId AudioCodec { get; private set; }

    public int PlayerCount => Volatile.Read(ref _players).Length;

    public long RecvBytes => Interlocked.Read(ref _recvBytes);

    public long VideoFrames => Interlocked.Read(ref _videoFrames);

    /// <summary>Bytes delivered to players, including players that already left.</summary>
    public long SentBytes
    {
        get
        {
            var total = Interlocked.Read(ref _departedSentBytes);
            foreach (var player in Volatile.Read(ref _players))
            {
                total += player.SentBytes;
            }
            return total;
        }
    }

    /// <summary>Fires after the publisher changed (attached or left); the stats reporter listens.</summary>
    public event Action<StreamHub>? PublisherChanged;

    public bool TryAttachPublisher(string clientId, bool edge = false)
    {
        lock (_gate)
        {
            if (PublisherClientId is not null)
            {
                return false;
            }
            PublisherClientId = clientId;
            PublisherIsEdge = edge;
        }
        PublisherChanged?.Invoke(this);
        return true;
    }

    /// <summary>The publisher left: drop cached frames and end every player after its queued frames.</summary>
    public void DetachPublisher(string clientId)
    {
        PlayerQueue[] players;
        lock (_gate)
        {
            if (PublisherClientId != clientId)
            {
                return;
            }
            PublisherClientId = null;
            PublisherIsEdge = false;
            AudioCodec = AudioCodecId.Unknown;
            ClearCache();
            players = _players;
            foreach (var player in players)
            {
                _departedSentBytes += player.SentBytes;
            }
            _players = [];
            _tsMux = null;
            _tsPlayers = 0;
        }
        foreach (var player in players)
        {
            player.Complete(PlayerEnd.Unpublished);
        }
        PublisherChanged?.Invoke(this);
    }

    /// <summary>Takes one reference to the frame for the cache and each player; the caller keeps its own.</summary>
    public void Publish(MediaFrame frame)
    {
        Interlocked.Add(ref _recvBytes, frame.Length);
        lock (_gate)
        {
            UpdateCache(frame);
            _tsMux?.Build(frame);
            var randomAccess = frame.IsKeyframe || (frame.IsAudio && _videoHeader is null);
            foreach (var player in _players)
            {
                player.Enqueue(frame, randomAccess);
            }
        }
    }

    /// <summary>Adds a player and primes its queue with metadata, sequence headers and the cached GOP.</summary>
    public void AddPlayer(PlayerQueue player)
    {
        lock (_gate)
        {
            if (player.ReadsTsForm && _tsPlayers++ == 0)
            {
                StartTsMux();
            }
            if (_metadata is not null)
            {
                player.Enqueue(_metadata, randomAccess: true);
            }
            if (_videoHeader is not null)
            {
                player.Enqueue(_videoHeader, randomAccess: true);
            }
            if (_audioHeader is not null)
            {
                player.Enqueue(_audioHeader, randomAccess: true);
            }
            if (_gop.Count > 0)
            {
                foreach (var frame in _gop)
                {
                    player.Enqueue(frame, randomAccess: frame.IsKeyframe);
                }
            }
            else if (_videoHeader is not null)
            {
                player.WaitForKeyframe();
            }
            _players = [.. _players, player];
        }
    }

    public void RemovePlayer(PlayerQueue player)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_players, player);
            if (index < 0)
            {
                return;
            }
            _departedSentBytes += player.SentBytes;
            _players = [.. _players.AsSpan(0, index), .. _players.AsSpan(index + 1)];
            if (player.ReadsTsForm && --_tsPlayers == 0)
            {
                _tsMux = null;
            }
        }
    }

    /// <summary>The first TS player arrived: a fresh muxer takes over from the cached frames on, in
    /// the order players receive them, so every frame a TS player can get has its form.</summary>
    private void StartTsMux()
    {
        var mux = new StreamTsMux();
        foreach (var frame in (ReadOnlySpan<MediaFrame?>)[_metadata, _videoHeader, _audioHeader])
        {
            if (frame is not null)
            {
                mux.Build(frame);
            }
        }
        foreach (var frame in _gop)
        {
            mux.Build(frame);
        }
        _tsMux = mux;
    }

    private void UpdateCache(MediaFrame frame)
    {
        if (frame.IsAudio && frame.Header.AudioCodec != AudioCodecId.Unknown)
        {
            AudioCodec = frame.Header.AudioCodec;
        }
        if (frame.IsScript)
        {
            Replace(ref _metadata, frame);
            return;
        }
        if (frame.IsSequenceHeader)
        {
            if (frame.IsVideo)
            {
                Replace(ref _videoHeader, frame);
                ClearGop();
            }
            else
            {
                Replace(ref _audioHeader, frame);
            }
            return;
        }
        if (frame.IsVideo)
        {
            Interlocked.Increment(ref _videoFrames);
        }
        if (!Options.GopCache)
        {
            return;
        }
        if (frame.IsKeyframe)
        {
            ClearGop();
            _gopOpen = true;
        }
        if (!_gopOpen)
        {
            return;
        }
        if (_gop.Count >= Options.GopCacheMaxFrames)
        {
            // A GOP this long is not worth holding; wait for the next keyframe.
            ClearGop();
            return;
        }
        _gop.Add(frame.AddRef());
    }

    private static void Replace(ref MediaFrame? slot, MediaFrame frame)
    {
        slot?.Release();
        slot = frame.AddRef();
    }

    private void ClearGop()
    {
        foreach (var frame in _gop)
        {
            frame.Release();
        }
        _gop.Clear();
        _gopOpen = false;
    }

    private void ClearCache()
    {
        ClearGop();
        _metadata?.Release();
        _videoHeader?.Release();
        _audioHeader?.Release();
        _metadata = _videoHeader = _audioHeader = null;
    }
}

/// <summary>Per-stream media settings, taken from the vhost (SRS's `play { gop_cache ... }`).</summary>
public sealed record StreamHubOptions(bool GopCache = true, int GopCacheMaxFrames = 2500);
