using System.Globalization;

namespace OrleansLive.LoadTool.Drills;

/// <summary>What one chaos run does; see <see cref="Usage"/>.</summary>
public sealed record ChaosOptions
{
    public const string Usage = """
        chaos: redis-server, silos and gateways on loopback (each its own process), publishers on the first two
        gateways, churning players on all; every interval kill -9 a random silo or gateway (never the last of
        either) and restart it, and once restart redis-server instead. Measures each event and judges the run.

          --silo PATH             OrleansLive.Silo.dll (required)
          --gateway PATH          OrleansLive.GatewayEdge.dll (required)
          --dir DIR               work directory: chaos.json, one log per process (required)
          --minutes M             length of the run after warm-up (default 10)
          --interval S            seconds between events (default 60)
          --events LIST           the events in order instead of random ones: silo-N, gateway-N, redis (N from 0),
                                  e.g. gateway-1 (one kill); the run lasts one interval per event
          --silos N               silos (default 3)
          --gateways N            gateways (default 3)
          --publishers N          streams published on each of the first two gateways (default 2)
          --players N             viewers, each playing for a random time and coming back (default 30)
          --mix K:W,...           rtmp and flv players (default rtmp:1,flv:1)
          --min-play S            shortest play (default 10)
          --max-play S            longest play (default 60)
          --bitrate R             publish bitrate (default 300k)
          --stall-ms MS           a gap in media longer than this is lost media (default 2000)
          --downtime S            seconds between the kill and the restart (default 5)
          --lease-timeout S       the silos' publish lease and gateway liveness timeout (default 6)
          --seed N                random seed of the events, play times and streams (default 1)
        """;

    public required string SiloDll { get; init; }

    public required string GatewayDll { get; init; }

    public required string Directory { get; init; }

    public double Minutes { get; init; } = 10;

    public double IntervalSeconds { get; init; } = 60;

    /// <summary>Explicit events; null for random ones.</summary>
    public IReadOnlyList<string>? Events { get; init; }

    public int Silos { get; init; } = 3;

    public int Gateways { get; init; } = 3;

    public int PublishersPerGateway { get; init; } = 2;

    public int Players { get; init; } = 30;

    public IReadOnlyList<(string Kind, double Weight)> Mix { get; init; } = [("rtmp", 1), ("flv", 1)];

    public double MinPlaySeconds { get; init; } = 10;

    public double MaxPlaySeconds { get; init; } = 60;

    public long BitsPerSecond { get; init; } = 300_000;

    public int StallMilliseconds { get; init; } = 2000;

    public double DowntimeSeconds { get; init; } = 5;

    public double LeaseTimeoutSeconds { get; init; } = 6;

    public int Seed { get; init; } = 1;

    /// <summary>The events of the run: the given ones, or one per interval, random silos and gateways
    /// with redis-server restarted once, half-way.</summary>
    public IReadOnlyList<string> Schedule()
    {
        if (Events is { } given)
        {
            return given;
        }
        var count = Math.Max(1, (int)(Minutes * 60 / IntervalSeconds));
        var random = new Random(Seed);
        var events = new List<string>();
        for (var i = 0; i < count; i++)
        {
            events.Add(i == count / 2 ? "redis"
                : random.Next(2) == 0 ? $"silo-{random.Next(Silos)}" : $"gateway-{random.Next(Gateways)}");
        }
        return events;
    }

    public static ChaosOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ChaosOptions { SiloDll = "", GatewayDll = "", Directory = "" };
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
            double Double() => double.Parse(Value(), CultureInfo.InvariantCulture);
            options = name switch
            {
                "--silo" => options with { SiloDll = Value() },
                "--gateway" => options with { GatewayDll = Value() },
                "--dir" => options with { Directory = Value() },
                "--minutes" => options with { Minutes = Double() },
                "--interval" => options with { IntervalSeconds = Double() },
                "--events" => options with { Events = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--silos" => options with { Silos = Int() },
                "--gateways" => options with { Gateways = Int() },
                "--publishers" => options with { PublishersPerGateway = Int() },
                "--players" => options with { Players = Int() },
                "--mix" => options with { Mix = ParseMix(Value()) },
                "--min-play" => options with { MinPlaySeconds = Double() },
                "--max-play" => options with { MaxPlaySeconds = Double() },
                "--bitrate" => options with { BitsPerSecond = LoadOptions.ParseBitrate(Value()) },
                "--stall-ms" => options with { StallMilliseconds = Int() },
                "--downtime" => options with { DowntimeSeconds = Double() },
                "--lease-timeout" => options with { LeaseTimeoutSeconds = Double() },
                "--seed" => options with { Seed = Int() },
                _ => throw new ArgumentException($"unknown chaos option {name}"),
            };
        }
        if (options.SiloDll.Length == 0 || options.GatewayDll.Length == 0 || options.Directory.Length == 0)
        {
            throw new ArgumentException("--silo, --gateway and --dir are required");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Silos, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Gateways, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.PublishersPerGateway);
        foreach (var e in options.Schedule())
        {
            if (!IsEvent(e, "silo-", options.Silos) && !IsEvent(e, "gateway-", options.Gateways) && e != "redis")
            {
                throw new ArgumentException($"--events: unknown event {e}");
            }
        }
        return options;
    }

    private static bool IsEvent(string e, string prefix, int count) =>
        e.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(e[prefix.Length..], CultureInfo.InvariantCulture, out var n) && n >= 0 && n < count;

    private static List<(string, double)> ParseMix(string text)
    {
        var mix = new List<(string, double)>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.IndexOf(':');
            var kind = colon < 0 ? part : part[..colon];
            if (kind is not ("rtmp" or "flv" or "ts" or "srt"))
            {
                throw new ArgumentException($"--mix: chaos players are rtmp, flv, ts or srt, not {kind}");
            }
            mix.Add((kind, colon < 0 ? 1 : double.Parse(part[(colon + 1)..], CultureInfo.InvariantCulture)));
        }
        return mix;
    }
}
