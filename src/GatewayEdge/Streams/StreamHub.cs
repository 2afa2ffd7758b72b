using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Mp4;
using OrleansLive.Media.Samples;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>
/// The in-process meeting point of one stream on this gateway: one publisher, any number of players.
/// Holds the latest metadata and sequence headers and, with the GOP cache on, every frame since the
/// last keyframe, so a new player starts at once on a keyframe. Fans each frame out by reference.
/// Audio of the other family than a player's (AAC for WebRTC players, Opus for the rest) reaches it
/// through one <see cref="AudioBridge"/> per stream, run on the publisher's thread while such players
/// exist; those players get the bridge's frames instead of the stream's own.
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
    private long _gopBytes;
    private StreamTsMux? _tsMux;
    private int _tsPlayers;
    private long _recvBytes;
    private long _videoFrames;
    private long _departedSentBytes;
    private readonly AudioBridges? _bridges;
    private readonly int[] _familyPlayers = new int[3];
    private AudioBridge? _bridge;
    private MediaFrame? _convertedHeader;
    // Written by the publisher's thread only.
    private byte[] _audioConfig = [];
    private volatile bool _bridgeFailed;
    private Action? _keyframeSource;
    private SnapshotPicture? _snapshot;

    public StreamHub(string vhost, string app, string stream, StreamHubOptions options, AudioBridges? bridges = null)
    {
        Vhost = vhost;
        App = app;
        Stream = stream;
        Options = options;
        _bridges = bridges;
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

    /// <summary>The audio bridge running for this stream here, for the API; null when none runs.</summary>
    public AudioBridgeInfo? AudioBridge(string gatewayId) => Volatile.Read(ref _bridge)?.Info(gatewayId);

    /// <summary>The latest snapshot taken of the stream here; null when none was (or the publish that took it ended).</summary>
    public SnapshotPicture? Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>Puts a newer snapshot in place of <paramref name="previous"/>; false (and nothing changed)
    /// when another writer replaced it meanwhile. Null clears it.</summary>
    public bool ReplaceSnapshot(SnapshotPicture? previous, SnapshotPicture? next) =>
        Interlocked.CompareExchange(ref _snapshot, next, previous) == previous;

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

    /// <summary>
    /// How the publisher <paramref name="clientId"/> is made to send a keyframe: a WebRTC publisher
    /// sends PLI, an edge pull passes the request to the gateway it pulls from. Ignored unless that
    /// client publishes here; cleared when it leaves.
    /// </summary>
    public void SetKeyframeSource(string clientId, Action request)
    {
        lock (_gate)
        {
            if (PublisherClientId == clientId)
            {
                _keyframeSource = request;
            }
        }
    }

    /// <summary>A player needs a keyframe (it lost a picture): the publisher is asked if it can be.
    /// The source rate-limits; false when the publisher cannot be asked (RTMP, SRT, none).</summary>
    public bool RequestKeyframe()
    {
        var source = Volatile.Read(ref _keyframeSource);
        source?.Invoke();
        return source is not null;
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
            _keyframeSource = null;
            AudioCodec = AudioCodecId.Unknown;
            _bridgeFailed = false;
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
        StopBridge("the publisher left");
        PublisherChanged?.Invoke(this);
    }

    /// <summary>Takes one reference to the frame for the cache and each player; the caller keeps its own.</summary>
    public void Publish(MediaFrame frame)
    {
        Interlocked.Add(ref _recvBytes, frame.Length);
        var converted = frame.IsAudio && _bridges is not null ? BridgeAudio(frame) : null;
        lock (_gate)
        {
            UpdateCache(frame);
            Fan(frame);
            if (converted is not null)
            {
                foreach (var audio in converted)
                {
                    UpdateCache(audio);
                    Fan(audio);
                }
            }
        }
        if (converted is not null)
        {
            foreach (var audio in converted)
            {
                audio.Release();
            }
        }
    }

    /// <summary>Queues the frame to every player that takes it (under the lock).</summary>
    private void Fan(MediaFrame frame)
    {
        var randomAccess = frame.IsKeyframe || (frame.IsAudio && _videoHeader is null);
        if (!frame.IsAudio)
        {
            _tsMux?.Build(frame);
            foreach (var player in _players)
            {
                player.Enqueue(frame, randomAccess);
            }
            return;
        }
        var classic = Takes(AudioFamily.Classic, frame);
        var rtc = Takes(AudioFamily.Rtc, frame);
        if (classic)
        {
            _tsMux?.Build(frame);
        }
        foreach (var player in _players)
        {
            if (player.AudioFamily switch { AudioFamily.Classic => classic, AudioFamily.Rtc => rtc, _ => !frame.IsConverted })
            {
                player.Enqueue(frame, randomAccess);
            }
        }
    }

    /// <summary>Whether players of the family get this audio frame: the bridge's frames when the
    /// stream's audio is bridged to them, else the stream's own.</summary>
    private bool Takes(AudioFamily family, MediaFrame audio) => audio.IsConverted == Bridged(family);

    /// <summary>The stream's audio is of the other family and a bridge converts it for this one (or
    /// will, from the next audio frame on).</summary>
    private bool Bridged(AudioFamily family) =>
        family != AudioFamily.Source && AudioCodec != AudioCodecId.Unknown && AudioFamilies.Of(AudioCodec) != family && Allows(family)
        && _bridges is { CanRun: true } && !_bridgeFailed;

    private bool Allows(AudioFamily target) => target == AudioFamily.Rtc ? Options.RtmpToRtc : Options.RtcToRtmp;

    /// <summary>
    /// On the publisher's thread: starts, feeds and stops the stream's audio bridge. It runs while
    /// players of the other family are here and stops at the first audio frame after the last left.
    /// </summary>
    private List<MediaFrame>? BridgeAudio(MediaFrame frame)
    {
        var codec = frame.Header.AudioCodec;
        if (codec == AudioCodecId.Unknown || !_bridges!.CanRun)
        {
            return null;
        }
        if (frame.IsSequenceHeader)
        {
            var same = frame.Sample.Data.Span.SequenceEqual(_audioConfig);
            if (same && _bridge is not null)
            {
                return null;
            }
            if (!same)
            {
                _audioConfig = frame.Sample.Data.ToArray();
                _bridgeFailed = false;
                StopBridge("the audio configuration changed");
            }
            // Goes on to start the bridge now when it is wanted, so its configuration comes first.
        }
        var target = AudioFamilies.Of(codec).Other();
        bool wanted;
        lock (_gate)
        {
            wanted = _familyPlayers[(int)target] > 0 && Allows(target) && !_bridgeFailed;
        }
        var bridge = Volatile.Read(ref _bridge);
        if (bridge is not null && (!wanted || bridge.Input != codec))
        {
            StopBridge(wanted ? "the audio codec changed" : "no player needs it");
            bridge = null;
        }
        if (!wanted)
        {
            return null;
        }
        List<MediaFrame> frames = [];
        if (bridge is null)
        {
            bridge = _bridges.TryStart(Key, codec, _audioConfig, target);
            if (bridge is null)
            {
                lock (_gate)
                {
                    // The players that waited for converted audio take the stream's own from here.
                    _bridgeFailed = true;
                    if (_audioHeader is { } header)
                    {
                        foreach (var player in _players.Where(p => p.AudioFamily == target))
                        {
                            player.Enqueue(header, randomAccess: true);
                        }
                    }
                }
                return null;
            }
            bool attached;
            lock (_gate)
            {
                attached = PublisherClientId is not null;
                if (attached)
                {
                    _bridge = bridge;
                }
            }
            if (!attached)
            {
                _bridges.Stopped(Key, bridge, "the publisher left");
                return null;
            }
            if (bridge.ConfigFrame(frame.Timestamp) is { } config)
            {
                frames.Add(config);
            }
        }
        if (!frame.IsSequenceHeader)
        {
            bridge.Convert(frame, frames);
        }
        return frames.Count == 0 ? null : frames;
    }

    private void StopBridge(string why)
    {
        AudioBridge? bridge;
        lock (_gate)
        {
            bridge = _bridge;
            _bridge = null;
        }
        if (bridge is not null)
        {
            _bridges!.Stopped(Key, bridge, why);
        }
    }

    /// <summary>Copies of the stream's current decoder configurations: the video sequence header and
    /// the audio one a player of <paramref name="family"/> gets; null where none arrived. For protocols
    /// that describe a stream before they play it (RTSP's DESCRIBE).</summary>
    public (MediaSample? Video, MediaSample? Audio) Configurations(AudioFamily family)
    {
        lock (_gate)
        {
            var audio = Bridged(family) ? _convertedHeader : _audioHeader;
            return (_videoHeader?.Sample.Detach(), audio?.Sample.Detach());
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
            _familyPlayers[(int)player.AudioFamily]++;
            var bridged = Bridged(player.AudioFamily);
            if ((bridged ? _convertedHeader : _audioHeader) is { } audioHeader)
            {
                player.Enqueue(audioHeader, randomAccess: true);
            }
            if (_gop.Count > 0)
            {
                foreach (var frame in _gop)
                {
                    if (!frame.IsAudio || frame.IsConverted == bridged)
                    {
                        player.Enqueue(frame, randomAccess: frame.IsKeyframe);
                    }
                }
            }
            else if (_videoHeader is not null)
            {
                player.WaitForKeyframe();
            }
            _players = [.. _players, player];
        }
    }

    /// <summary>The tracks the current sequence headers describe (codec string, picture size), for
    /// manifests that list the stream; null for a track without one.</summary>
    public (Fmp4TrackConfig? Video, Fmp4TrackConfig? Audio) Tracks()
    {
        lock (_gate)
        {
            Fmp4TrackConfig? video = null, audio = null;
            if (_videoHeader is { } videoHeader)
            {
                Fmp4TrackConfig.TryFromVideo(videoHeader.Sample, out video);
            }
            if (_audioHeader is { } audioHeader)
            {
                Fmp4TrackConfig.TryFromAudio(audioHeader.Sample, out audio);
            }
            return (video, audio);
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
            _familyPlayers[(int)player.AudioFamily]--;
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
        var bridged = Bridged(AudioFamily.Classic);
        foreach (var frame in (ReadOnlySpan<MediaFrame?>)[_metadata, _videoHeader, bridged ? _convertedHeader : _audioHeader])
        {
            if (frame is not null)
            {
                mux.Build(frame);
            }
        }
        foreach (var frame in _gop)
        {
            if (!frame.IsAudio || frame.IsConverted == bridged)
            {
                mux.Build(frame);
            }
        }
        _tsMux = mux;
    }

    private void UpdateCache(MediaFrame frame)
    {
        if (frame.IsConverted)
        {
            if (frame.IsSequenceHeader)
            {
                Replace(ref _convertedHeader, frame);
            }
            else if (Options.GopCache && _gopOpen && _gop.Count < Options.GopCacheMaxFrames && _gopBytes + frame.Length <= Options.GopCacheMaxBytes)
            {
                AddToGop(frame);
            }
            return;
        }
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
        if (_gop.Count >= Options.GopCacheMaxFrames || _gopBytes + frame.Length > Options.GopCacheMaxBytes)
        {
            // A GOP this long (or this large: a publisher sending huge frames and never a keyframe) is not worth
            // holding; wait for the next keyframe.
            ClearGop();
            return;
        }
        AddToGop(frame);
    }

    private void AddToGop(MediaFrame frame)
    {
        _gop.Add(frame.AddRef());
        _gopBytes += frame.Length;
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
        _gopBytes = 0;
        _gopOpen = false;
    }

    private void ClearCache()
    {
        ClearGop();
        _metadata?.Release();
        _videoHeader?.Release();
        _audioHeader?.Release();
        _convertedHeader?.Release();
        _metadata = _videoHeader = _audioHeader = _convertedHeader = null;
    }
}

/// <summary>Per-stream media settings, taken from the vhost (SRS's `play { gop_cache ... }` and
/// `rtc { rtmp_to_rtc; rtc_to_rtmp; }`).</summary>
/// <param name="GopCacheMaxBytes">The cache's other bound (SRS's gop_cache_max_frames is the first): what one stream holds
/// for joining players, whatever its publisher sends.</param>
public sealed record StreamHubOptions(bool GopCache = true, int GopCacheMaxFrames = 2500, bool RtmpToRtc = true, bool RtcToRtmp = true,
    long GopCacheMaxBytes = StreamHubOptions.DefaultGopCacheMaxBytes)
{
    /// <summary>64 MiB: ten seconds of a 50 Mbit/s stream.</summary>
    public const long DefaultGopCacheMaxBytes = 64L * 1024 * 1024;
}
