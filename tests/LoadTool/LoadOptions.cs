using System.Globalization;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Media.Containers.Amf;

namespace OrleansLive.LoadTool;

/// <summary>What one run of the load tool does; see <see cref="Usage"/>.</summary>
public sealed class LoadOptions
{
    public const string Usage = """
        OrleansLive.LoadTool: publish synthetic (or file) FLV over RTMP (or MPEG-TS over SRT) and play it
        with many RTMP, HTTP-FLV, HTTP-TS, SRT and WebRTC (WHEP) players from one process; reports per-second totals, stalls, drops, time to first
        frame and end-to-end latency (the publisher stamps its send time into each video frame).

        run options:
          --url URL               rtmp://host[:port]/app/stream (required)
          --publish               publish the stream(s) from this process (over RTMP)
          --srt-publish           publish the stream(s) over SRT instead, as MPEG-TS
          --publishers N          streams to publish (named stream-0..N-1 when N > 1; default 1)
          --bitrate R             publish bitrate, e.g. 500k or 2m (default 500k)
          --gop S                 keyframe interval in seconds (default 2)
          --file PATH             publish the tags of an FLV file in a loop instead of synthetic frames
          --rtmp-players N        RTMP players (spread over the streams; default 0)
          --flv-players N         HTTP-FLV players (default 0)
          --flv-url URL           HTTP-FLV URL of the (first) stream (default http://host:8080/app/stream.flv)
          --ts-players N          HTTP-TS players (default 0)
          --ts-url URL            HTTP-TS URL of the (first) stream (default http://host:8080/app/stream.ts)
          --llhls-players N       Low-Latency HLS players: blocking reloads and parts, as hls.js (default 0)
          --llhls-url URL         LL-HLS playlist of the (first) stream (default http://host:8080/app/stream.m3u8)
          --srt-players N         SRT players (default 0)
          --srt-url URL           SRT URL of the (first) stream, srt://host:port?streamid=#!::r=app/stream,m=request
                                  (default from --url's host, --srt-port and app/stream; other streams and
                                  publishers get its streamid with r= and m= rewritten)
          --srt-port PORT         SRT port of the default --srt-url (default 10080)
          --srt-latency MS        SRTO_LATENCY of the tool's SRT callers (default: libsrt's, 120)
          --whep-players N        WebRTC players: WHEP offer, ICE, DTLS, SRTP receive (default 0)
          --whep-url URL          WHEP endpoint of the (first) stream (default
                                  http://host:8080/rtc/v1/whep/?app=APP&stream=NAME; other streams get stream= rewritten)
          --duration S            measurement window once every player has started (default 10)
          --warmup S              publishing time before players connect (default 1)
          --ramp-rate N           new connections per second (default 1000)
          --connect-concurrency N connections being set up at once (default 200)
          --connect-timeout S     limit for one player's connect and play (default 30)
          --stall-ms MS           a gap in media longer than this is a stall (default 1000)
          --source-ips N          spread players over 127.0.0.1..N source addresses (default 1)
          --player-buffer BYTES   receive buffer of each player in the tool (default 16384)
          --socket-buffer BYTES   kernel receive buffer of each player socket (default: OS; WHEP players 1 MiB,
                                  room for the GOP cache the gateway sends in one burst)
          --server-pid PID[,PID]  sample CPU time and RSS of these processes (Linux /proc)
          --label TEXT            workload name for the JSON and the report
          --server-name TEXT      server name for the JSON and the report
          --json PATH             write the result as JSON
          --quiet                 no per-second lines
        other commands:
          report FILE.json...     print a Markdown table of earlier results
          soak OPTIONS            the soak drill (infra/soak.sh); soak --help for its options
          chaos OPTIONS           the chaos drill (infra/chaos.sh); chaos --help for its options
        """;

    public required RtmpUrl Url { get; init; }

    public bool Publish { get; init; }

    public int Publishers { get; init; } = 1;

    public long BitsPerSecond { get; init; } = 500_000;

    public double GopSeconds { get; init; } = 2;

    public string? File { get; init; }

    public int RtmpPlayers { get; init; }

    public int FlvPlayers { get; init; }

    public Uri? FlvUrl { get; init; }

    public int TsPlayers { get; init; }

    public Uri? TsUrl { get; init; }

    public int LlHlsPlayers { get; init; }

    public Uri? LlHlsUrl { get; init; }

    /// <summary>Publish over SRT (MPEG-TS) rather than RTMP; implies <see cref="Publish"/>.</summary>
    public bool SrtPublish { get; init; }

    public int SrtPlayers { get; init; }

    /// <summary>The SRT URL of the (first) stream; see <see cref="SrtUrlFor"/>.</summary>
    public SrtUrl? SrtUrl { get; init; }

    public int SrtPort { get; init; } = SrtUrl.DefaultPort;

    public int SrtLatencyMs { get; init; }

    public int WhepPlayers { get; init; }

    public Uri? WhepUrl { get; init; }

    public double DurationSeconds { get; init; } = 10;

    public double WarmupSeconds { get; init; } = 1;

    public int RampRate { get; init; } = 1000;

    public int ConnectConcurrency { get; init; } = 200;

    public int ConnectTimeoutSeconds { get; init; } = 30;

    public int StallMilliseconds { get; init; } = 1000;

    public int SourceAddresses { get; init; } = 1;

    public int PlayerBufferBytes { get; init; } = 16 * 1024;

    public int ReceiveBufferBytes { get; init; }

    public IReadOnlyList<int> ServerPids { get; init; } = [];

    public string Label { get; init; } = "";

    public string ServerName { get; init; } = "";

    public string? JsonPath { get; init; }

    public bool Quiet { get; init; }

    /// <summary>Stream names: the URL's own for one publisher, else stream-0..N-1.</summary>
    public string StreamName(int index) => Publishers <= 1 ? Url.Stream : $"{Url.Stream}-{index % Publishers}";

    public RtmpUrl RtmpUrlFor(int index) => Url with { Stream = StreamName(index) };

    public Uri FlvUrlFor(int index) => HttpUrlFor(FlvUrl, ".flv", index);

    public Uri TsUrlFor(int index) => HttpUrlFor(TsUrl, ".ts", index);

    public Uri LlHlsUrlFor(int index) => HttpUrlFor(LlHlsUrl, ".m3u8", index);

    /// <summary>Where the SRT callers connect, with the streamid of the first stream.</summary>
    public SrtUrl SrtBase => SrtUrl ?? new SrtUrl(Url.Host, SrtPort, $"#!::r={Url.App}/{Url.Stream},m=request");

    /// <summary>The SRS streamid that plays (or publishes) stream <paramref name="index"/>: the given
    /// URL's, its stream renamed when there are several.</summary>
    public string SrtStreamIdFor(int index, GatewayEdge.Protocols.Srt.SrtMode mode) =>
        SrtBase.StreamIdFor(Publishers <= 1 ? null : StreamName(index), mode);

    /// <summary>The WHEP endpoint of stream <paramref name="index"/>: the given one (or the gateway's
    /// HTTP port 8080) with its stream= parameter naming that stream.</summary>
    public Uri WhepUrlFor(int index)
    {
        var first = WhepUrl ?? new Uri($"http://{Url.Host}:8080/rtc/v1/whep/?app={Uri.EscapeDataString(Url.App)}&stream={Uri.EscapeDataString(Url.Stream)}");
        if (Publishers <= 1)
        {
            return first;
        }
        var pairs = first.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("stream=", StringComparison.Ordinal))
            .Append("stream=" + Uri.EscapeDataString(StreamName(index)));
        return new UriBuilder(first) { Query = string.Join('&', pairs) }.Uri;
    }

    /// <summary>The given URL of the first stream (or the default on port 8080), renamed for stream <paramref name="index"/>.</summary>
    private Uri HttpUrlFor(Uri? given, string extension, int index)
    {
        var first = given ?? new Uri($"http://{Url.Host}:8080/{Url.App}/{Url.Stream}{extension}");
        if (Publishers <= 1)
        {
            return first;
        }
        var path = first.AbsolutePath;
        var slash = path.LastIndexOf('/');
        return new UriBuilder(first) { Path = path[..(slash + 1)] + StreamName(index) + extension }.Uri;
    }

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        string? url = null, file = null, flvUrl = null, tsUrl = null, llhlsUrl = null, srtUrl = null, whepUrl = null, json = null, label = null, serverName = null;
        var publish = false;
        var srtPublish = false;
        var quiet = false;
        int publishers = 1, rtmp = 0, flv = 0, ts = 0, llhls = 0, srt = 0, whep = 0, srtPort = SrtUrl.DefaultPort, srtLatency = 0, ramp = 1000, concurrency = 200, connectTimeout = 30, stall = 1000, sources = 1, playerBuffer = 16 * 1024, socketBuffer = 0;
        long bitrate = 500_000;
        double gop = 2, duration = 10, warmup = 1;
        var pids = new List<int>();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            double Double() => double.Parse(Value(), CultureInfo.InvariantCulture);
            switch (name)
            {
                case "--url": url = Value(); break;
                case "--publish": publish = true; break;
                case "--publishers": publishers = Int(); break;
                case "--bitrate": bitrate = ParseBitrate(Value()); break;
                case "--gop": gop = Double(); break;
                case "--file": file = Value(); break;
                case "--rtmp-players": rtmp = Int(); break;
                case "--flv-players": flv = Int(); break;
                case "--flv-url": flvUrl = Value(); break;
                case "--ts-players": ts = Int(); break;
                case "--ts-url": tsUrl = Value(); break;
                case "--llhls-players": llhls = Int(); break;
                case "--llhls-url": llhlsUrl = Value(); break;
                case "--srt-publish": srtPublish = true; break;
                case "--srt-players": srt = Int(); break;
                case "--srt-url": srtUrl = Value(); break;
                case "--srt-port": srtPort = Int(); break;
                case "--srt-latency": srtLatency = Int(); break;
                case "--whep-players": whep = Int(); break;
                case "--whep-url": whepUrl = Value(); break;
                case "--duration": duration = Double(); break;
                case "--warmup": warmup = Double(); break;
                case "--ramp-rate": ramp = Int(); break;
                case "--connect-concurrency": concurrency = Int(); break;
                case "--connect-timeout": connectTimeout = Int(); break;
                case "--stall-ms": stall = Int(); break;
                case "--source-ips": sources = Int(); break;
                case "--player-buffer": playerBuffer = Int(); break;
                case "--socket-buffer": socketBuffer = Int(); break;
                case "--server-pid":
                    pids.AddRange(Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)));
                    break;
                case "--label": label = Value(); break;
                case "--server-name": serverName = Value(); break;
                case "--json": json = Value(); break;
                case "--quiet": quiet = true; break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }
        if (url is null || !RtmpUrl.TryParse(url, out var parsed))
        {
            throw new ArgumentException("--url rtmp://host[:port]/app/stream is required");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(publishers);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ramp);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(concurrency);
        ArgumentOutOfRangeException.ThrowIfLessThan(bitrate, 32_000);
        ArgumentOutOfRangeException.ThrowIfNegative(rtmp);
        ArgumentOutOfRangeException.ThrowIfNegative(flv);
        ArgumentOutOfRangeException.ThrowIfNegative(ts);
        ArgumentOutOfRangeException.ThrowIfNegative(srt);
        ArgumentOutOfRangeException.ThrowIfNegative(whep);
        ArgumentOutOfRangeException.ThrowIfNegative(srtLatency);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(srtPort);
        SrtUrl? parsedSrt = null;
        if (srtUrl is not null && !LoadTool.SrtUrl.TryParse(srtUrl, out parsedSrt))
        {
            throw new ArgumentException("--srt-url must be srt://host:port?streamid=...");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sources);
        return new LoadOptions
        {
            Url = parsed,
            Publish = publish || srtPublish,
            SrtPublish = srtPublish,
            Publishers = publishers,
            BitsPerSecond = bitrate,
            GopSeconds = gop,
            File = file,
            RtmpPlayers = rtmp,
            FlvPlayers = flv,
            FlvUrl = flvUrl is null ? null : new Uri(flvUrl),
            TsPlayers = ts,
            TsUrl = tsUrl is null ? null : new Uri(tsUrl),
            LlHlsPlayers = llhls,
            LlHlsUrl = llhlsUrl is null ? null : new Uri(llhlsUrl),
            SrtPlayers = srt,
            SrtUrl = parsedSrt,
            SrtPort = srtPort,
            SrtLatencyMs = srtLatency,
            WhepPlayers = whep,
            WhepUrl = whepUrl is null ? null : new Uri(whepUrl),
            DurationSeconds = duration,
            WarmupSeconds = warmup,
            RampRate = ramp,
            ConnectConcurrency = concurrency,
            ConnectTimeoutSeconds = connectTimeout,
            StallMilliseconds = stall,
            SourceAddresses = sources,
            PlayerBufferBytes = playerBuffer,
            ReceiveBufferBytes = socketBuffer,
            ServerPids = pids,
            Label = label ?? "",
            ServerName = serverName ?? "",
            JsonPath = json,
            Quiet = quiet,
        };
    }

    /// <summary>"500k", "2m", "2.5M" or plain bits per second.</summary>
    public static long ParseBitrate(string text)
    {
        var multiplier = char.ToLowerInvariant(text[^1]) switch { 'k' => 1_000L, 'm' => 1_000_000L, _ => 1L };
        var number = multiplier == 1 ? text : text[..^1];
        return (long)(double.Parse(number, CultureInfo.InvariantCulture) * multiplier);
    }
}
