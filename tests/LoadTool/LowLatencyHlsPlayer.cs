using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace OrleansLive.LoadTool;

/// <summary>
/// A Low-Latency HLS player as hls.js in low-latency mode polls: read the playlist, fetch the newest
/// part, then ask for the preload-hinted part with a blocking reload (`_HLS_msn` / `_HLS_part`) and fetch
/// every part the answer lists after the last one fetched. Each part's video samples carry the
/// publisher's <see cref="LatencyStamp"/> (an SEI in the AVCC sample), so latency is publisher send to
/// the part's arrival. Audio is not counted.
/// </summary>
public sealed partial class LowLatencyHlsPlayer : LoadPlayer
{
    private readonly Uri _playlist;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _closed = new();
    private readonly long[] _stamps = new long[256];
    private (long Sequence, int Part) _last = (-1, -1);
    private string? _body;

    public LowLatencyHlsPlayer(int index, Uri playlist, HttpClient http, PlayerContext context)
        : base(index, Path.GetFileNameWithoutExtension(playlist.AbsolutePath), context)
    {
        _playlist = playlist;
        _http = http;
    }

    public override string Kind => "llhls";

    public long Parts { get; private set; }

    public long BlockingReloads { get; private set; }

    public override void Close() => _closed.Cancel();

    protected override async Task OpenAsync(CancellationToken cancellationToken)
    {
        PlayRequestTicks = Stopwatch.GetTimestamp();
        _body = await GetPlaylistAsync(_playlist, cancellationToken);
    }

    protected override async Task PlayAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed.Token);
        var token = linked.Token;
        try
        {
            while (true)
            {
                var parts = PartLine().Matches(_body!).Select(m => (Uri: m.Groups["uri"].Value, Key: Key(m))).ToList();
                // A live player starts at the newest part, then takes each new one in order.
                var from = _last.Sequence < 0 ? Math.Max(0, parts.Count - 1) : parts.FindIndex(p => p.Key.CompareTo(_last) > 0);
                for (var i = Math.Max(0, from); from >= 0 && i < parts.Count; i++)
                {
                    await FetchPartAsync(new Uri(_playlist, parts[i].Uri), token);
                    _last = parts[i].Key;
                }
                if (_body!.Contains("#EXT-X-ENDLIST", StringComparison.Ordinal))
                {
                    return;
                }
                var hint = Hint().Match(_body);
                if (!hint.Success)
                {
                    throw new IOException("LL-HLS playlist without a preload hint");
                }
                var (sequence, part) = Key(hint);
                var query = (_playlist.Query.Length > 1 ? _playlist.Query + "&" : "?") + $"_HLS_msn={sequence}&_HLS_part={part}";
                BlockingReloads++;
                _body = await GetPlaylistAsync(new Uri(_playlist, _playlist.AbsolutePath + query), token);
            }
        }
        catch (OperationCanceledException) when (_closed.IsCancellationRequested)
        {
            // Closed by the run or the player's own leave.
        }
    }

    protected override void Release()
    {
    }

    private static (long Sequence, int Part) Key(Match m) =>
        (long.Parse(m.Groups["msn"].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups["part"].Value, CultureInfo.InvariantCulture));

    private async Task<string> GetPlaylistAsync(Uri url, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(url, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        BytesReceived += body.Length;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new IOException($"LL-HLS playlist: HTTP {(int)response.StatusCode}");
        }
        if (!body.Contains("#EXT-X-PART-INF", StringComparison.Ordinal))
        {
            throw new IOException("not a low-latency playlist (no EXT-X-PART-INF)");
        }
        return body;
    }

    private async Task FetchPartAsync(Uri part, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(part, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return;
        }
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new IOException($"LL-HLS part {part.AbsolutePath}: HTTP {(int)response.StatusCode}");
        }
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var arrived = Stopwatch.GetTimestamp();
        BytesReceived += bytes.Length;
        Parts++;
        var count = LatencyStamp.ReadAll(bytes, _stamps);
        for (var i = 0; i < count; i++)
        {
            OnVideo(arrived, frame: true, _stamps[i]);
        }
    }

    [GeneratedRegex("#EXT-X-PART:DURATION=[0-9.]+,URI=\"(?<uri>[^\"]*-(?<msn>\\d+)\\.(?<part>\\d+)\\.m4s[^\"]*)\"")]
    private static partial Regex PartLine();

    [GeneratedRegex("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"[^\"]*-(?<msn>\\d+)\\.(?<part>\\d+)\\.m4s")]
    private static partial Regex Hint();
}
