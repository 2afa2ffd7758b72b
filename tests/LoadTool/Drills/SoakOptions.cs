using System.Globalization;

namespace OrleansLive.LoadTool.Drills;

/// <summary>What one soak run does; see <see cref="Usage"/>.</summary>
public sealed record SoakOptions
{
    public const string Usage = """
        soak: the all-in-one server (its own process, HLS and DVR on) under publishers and a churning crowd
        of players; samples the server every few seconds into a CSV and judges the run.

          --silo PATH             OrleansLive.Silo.dll to run (required)
          --dir DIR               work directory: soak.csv, soak.json, server.log, hls/, dvr/ (required)
          --minutes M             length of the churn phase (default 60)
          --rtmp-publishers N     streams published over RTMP (default 16)
          --srt-publishers N      streams published over SRT (default 4)
          --players N             viewers, each playing 10-120 s, leaving and coming back (default 400)
          --mix K:W,...           share of each player kind (default rtmp:30,flv:25,ts:10,hls:15,srt:10,whep:10)
          --whep-streams N        streams the WHEP players play (default 2: each costs an AAC-to-Opus bridge)
          --min-play S            shortest play (default 10)
          --max-play S            longest play (default 120)
          --bitrate R             publish bitrate (default 500k)
          --sample-seconds S      sampling interval (default 10)
          --max-rss-growth P      the rss-growth check's limit in percent (default 5)
          --stall-ms MS           a gap in media longer than this is a stall (default 1000; HLS: 3 target durations)
          --ramp N                viewers arriving per second at the start (default 10)
          --dvr-segment S         DVR segment length in seconds (default: a thirtieth of the run, 20 to 120); players
                                  start once every stream cut its first file
          --seed N                random seed of play times and stream choice (default 1)
        """;

    public required string SiloDll { get; init; }

    public required string Directory { get; init; }

    public double Minutes { get; init; } = 60;

    public int RtmpPublishers { get; init; } = 16;

    public int SrtPublishers { get; init; } = 4;

    public int Players { get; init; } = 400;

    public IReadOnlyList<(string Kind, double Weight)> Mix { get; init; } =
        [("rtmp", 30), ("flv", 25), ("ts", 10), ("hls", 15), ("srt", 10), ("whep", 10)];

    public int WhepStreams { get; init; } = 2;

    public double MinPlaySeconds { get; init; } = 10;

    public double MaxPlaySeconds { get; init; } = 120;

    public long BitsPerSecond { get; init; } = 500_000;

    public double SampleSeconds { get; init; } = 10;

    /// <summary>RSS may grow by less than this (percent) over the measurement window; a run of a few minutes
    /// measures mostly warm-up and may allow more.</summary>
    public double MaxRssGrowthPercent { get; init; } = 5;

    public int StallMilliseconds { get; init; } = 1000;

    public double RampPerSecond { get; init; } = 10;

    public double? DvrSegmentSeconds { get; init; }

    public int Seed { get; init; } = 1;

    public int Publishers => RtmpPublishers + SrtPublishers;

    public double DvrSegment => DvrSegmentSeconds ?? Math.Clamp(Minutes * 60 / 30, 20, 120);

    /// <summary>Player kinds for the viewers, in proportion to the mix, interleaved.</summary>
    public string[] ViewerKinds()
    {
        var total = Mix.Sum(m => m.Weight);
        var kinds = new string[Players];
        var given = new double[Mix.Count];
        for (var i = 0; i < Players; i++)
        {
            // Next is the kind furthest behind its share.
            var pick = Enumerable.Range(0, Mix.Count).Where(k => Mix[k].Weight > 0).MinBy(k => given[k] / Mix[k].Weight);
            given[pick]++;
            kinds[i] = Mix[pick].Kind;
        }
        return total > 0 ? kinds : throw new ArgumentException("--mix has no weight");
    }

    public static SoakOptions Parse(IReadOnlyList<string> args)
    {
        string? silo = null, dir = null;
        var options = new SoakOptions { SiloDll = "", Directory = "" };
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            double Double() => double.Parse(Value(), CultureInfo.InvariantCulture);
            options = name switch
            {
                "--silo" => options with { SiloDll = silo = Value() },
                "--dir" => options with { Directory = dir = Value() },
                "--minutes" => options with { Minutes = Double() },
                "--rtmp-publishers" => options with { RtmpPublishers = Int() },
                "--srt-publishers" => options with { SrtPublishers = Int() },
                "--players" => options with { Players = Int() },
                "--mix" => options with { Mix = ParseMix(Value()) },
                "--whep-streams" => options with { WhepStreams = Int() },
                "--min-play" => options with { MinPlaySeconds = Double() },
                "--max-play" => options with { MaxPlaySeconds = Double() },
                "--bitrate" => options with { BitsPerSecond = LoadOptions.ParseBitrate(Value()) },
                "--sample-seconds" => options with { SampleSeconds = Double() },
                "--max-rss-growth" => options with { MaxRssGrowthPercent = Double() },
                "--stall-ms" => options with { StallMilliseconds = Int() },
                "--ramp" => options with { RampPerSecond = Double() },
                "--dvr-segment" => options with { DvrSegmentSeconds = Double() },
                "--seed" => options with { Seed = Int() },
                _ => throw new ArgumentException($"unknown soak option {name}"),
            };
        }
        if (silo is null || dir is null)
        {
            throw new ArgumentException("--silo and --dir are required");
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Minutes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Publishers);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Players);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPlaySeconds, options.MinPlaySeconds);
        return options;
    }

    private static List<(string, double)> ParseMix(string text)
    {
        var mix = new List<(string, double)>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':');
            var kind = colon < 0 ? part : part[..colon];
            if (!DrillClients.PlayerKinds.Contains(kind))
            {
                throw new ArgumentException($"--mix: unknown player kind {kind} (known: {string.Join(", ", DrillClients.PlayerKinds)})");
            }
            mix.Add((kind, colon < 0 ? 1 : double.Parse(part[(colon + 1)..], CultureInfo.InvariantCulture)));
        }
        return mix;
    }
}
