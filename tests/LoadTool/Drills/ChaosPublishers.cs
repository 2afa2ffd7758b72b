using System.Diagnostics;

namespace OrleansLive.LoadTool.Drills;

/// <summary>
/// One stream published as an encoder with failover does it: publish to its home gateway; when the
/// connection breaks or the publish is refused, try the other publish gateway, and so on, every
/// <see cref="RetryPause"/>, until a publish is accepted. Records where it publishes and when it
/// lost and regained its publish.
/// </summary>
internal sealed class FailoverPublisher
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(250);

    private readonly DrillClients _clients;
    private readonly IReadOnlyList<GatewayPorts> _gateways;
    private readonly int _home;
    private readonly long _bitsPerSecond;
    private volatile GatewayPorts? _current;
    private long _lostAt;

    public FailoverPublisher(DrillClients clients, IReadOnlyList<GatewayPorts> gateways, int home, string app, string stream, long bitsPerSecond)
    {
        _clients = clients;
        _gateways = gateways;
        _home = home;
        App = app;
        Stream = stream;
        _bitsPerSecond = bitsPerSecond;
    }

    public string App { get; }

    public string Stream { get; }

    /// <summary>The gateway it publishes to now; null while it has no accepted publish.</summary>
    public GatewayPorts? Current => _current;

    /// <summary>Publishes that broke after they were accepted.</summary>
    public int Breaks { get; private set; }

    /// <summary>Attempts that were refused or could not connect.</summary>
    public int Refusals { get; private set; }

    /// <summary>Longest time without an accepted publish after one broke.</summary>
    public double LongestOutageSeconds { get; private set; }

    public double MaxLateMs { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var gateway = _gateways[(_home + attempt) % _gateways.Count];
            var publisher = _clients.Publisher("rtmp", gateway, App, Stream, new SyntheticSource(_bitsPerSecond));
            var run = publisher.RunAsync(cancellationToken);
            // Accepted once it sends frames; it then runs until the connection breaks or the run ends.
            await Task.WhenAny(run, publisher.Ready);
            if (publisher.Started && publisher.Error is null)
            {
                _current = gateway;
                if (Interlocked.Exchange(ref _lostAt, 0) is var lost and not 0)
                {
                    LongestOutageSeconds = Math.Max(LongestOutageSeconds, (Stopwatch.GetTimestamp() - lost) / (double)Stopwatch.Frequency);
                }
            }
            await run;
            MaxLateMs = Math.Max(MaxLateMs, publisher.MaxLateMs);
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            if (_current is not null)
            {
                Breaks++;
                _current = null;
                Interlocked.CompareExchange(ref _lostAt, Stopwatch.GetTimestamp(), 0);
            }
            else
            {
                Refusals++;
            }
            attempt++;
            try
            {
                await Task.Delay(RetryPause, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
