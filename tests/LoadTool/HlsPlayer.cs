using System.Diagnostics;
using System.Globalization;
using System.Net;
using OrleansLive.Media.Containers.MpegTs;

namespace OrleansLive.LoadTool;

/// <summary>
/// An HLS player as a live player polls: read the playlist, fetch each segment it has not seen yet
/// (starting from the newest), push it through a <see cref="TsFrameFeed"/>, read the playlist again
/// after half a target duration. Media comes a segment at a time, so a stall is a gap longer than
/// three target durations (a player that buffered three segments runs dry), not the run's limit.
/// MPEG-TS segments only: an fMP4 playlist is refused.
/// </summary>
public sealed class HlsPlayer : LoadPlayer
{
    private readonly Uri _playlist;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _closed = new();
    private readonly TsFrameFeed _feed;
    private long _lastSequence = -1;
    private double _targetSeconds = 10;
    private string? _body;

    public HlsPlayer(int index, Uri playlist, HttpClient http, PlayerContext context)
        : base(index, Path.GetFileNameWithoutExtension(playlist.AbsolutePath), context)
    {
        _playlist = playlist;
        _http = http;
        _feed = new TsFrameFeed((arrived, stamp) => OnVideo(arrived, frame: true, stamp), OnAudio);
    }

    public override string Kind => "hls";

    public long Segments { get; private set; }

    /// <summary>What the demuxer found wrong inside segments.</summary>
    public TsDemuxerCounters Counters => _feed.Counters;

    protected override long StallLimitTicks => Math.Max(Context.StallTicks, (long)(3 * _targetSeconds * Stopwatch.Frequency));

    public override void Close() => _closed.Cancel();

    protected override async Task OpenAsync(CancellationToken cancellationToken)
    {
        PlayRequestTicks = Stopwatch.GetTimestamp();
        _body = await GetPlaylistAsync(cancellationToken);
    }

    protected override async Task PlayAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        var token = linked.Token;
        try
        {
            while (true)
            {
                var playlist = Parse(_body!);
                _targetSeconds = playlist.TargetSeconds;
                // A live player starts at the newest segment, then takes each new one in order.
                var first = _lastSequence < 0 ? Math.Max(0, playlist.Segments.Count - 1) : 0;
                for (var i = first; i < playlist.Segments.Count; i++)
                {
                    var sequence = playlist.MediaSequence + i;
                    if (sequence <= _lastSequence)
                    {
                        continue;
                    }
                    await FetchSegmentAsync(new Uri(_playlist, playlist.Segments[i]), token);
                    _lastSequence = sequence;
                }
                if (playlist.Ended)
                {
                    // The publisher left: the server ended the stream.
                    return;
                }
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(0.5, _targetSeconds / 2)), token);
                _body = await GetPlaylistAsync(token);
            }
        }
        catch (OperationCanceledException) when (_closed.IsCancellationRequested)
        {
            // Closed by the run or the player's own leave.
        }
    }

    // Nothing is held between requests (the HTTP client's connections are shared); the token source
    // has no timer, so it is left to the collector and a late Close still works.
    protected override void Release()
    {
    }

    private async Task<string> GetPlaylistAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(_playlist, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        BytesReceived += body.Length;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new IOException($"HLS playlist: HTTP {(int)response.StatusCode}");
        }
        if (body.Contains("#EXT-X-MAP", StringComparison.Ordinal))
        {
            throw new IOException("HLS playlist has fMP4 segments; the player reads MPEG-TS only");
        }
        return body;
    }

    private async Task FetchSegmentAsync(Uri segment, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(segment, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            // Cleaned up between the playlist read and this request: the next playlist moves on.
            return;
        }
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new IOException($"HLS segment {segment.AbsolutePath}: HTTP {(int)response.StatusCode}");
        }
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        BytesReceived += bytes.Length;
        Segments++;
        _feed.Push(bytes, Stopwatch.GetTimestamp());
        // A segment ends with whole frames; the last video PES is complete only once flushed.
        _feed.Flush();
    }

    internal sealed record Playlist(double TargetSeconds, long MediaSequence, IReadOnlyList<string> Segments, bool Ended);

    internal static Playlist Parse(string body)
    {
        double target = 10;
        long sequence = 0;
        var segments = new List<string>();
        var ended = false;
        foreach (var raw in body.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("#EXT-X-TARGETDURATION:", StringComparison.Ordinal))
            {
                target = double.Parse(line["#EXT-X-TARGETDURATION:".Length..], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("#EXT-X-MEDIA-SEQUENCE:", StringComparison.Ordinal))
            {
                sequence = long.Parse(line["#EXT-X-MEDIA-SEQUENCE:".Length..], CultureInfo.InvariantCulture);
            }
            else if (line == "#EXT-X-ENDLIST")
            {
                ended = true;
            }
            else if (line.Length > 0 && line[0] != '#')
            {
                segments.Add(line);
            }
        }
        return new Playlist(target, sequence, segments, ended);
    }
}
