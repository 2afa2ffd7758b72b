using System.Collections.Concurrent;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.GrainTests;

/// <summary>
/// Stands in for a gateway process: an observer that records kicks, traffic reports to its gateway
/// grain, plus optional background loops that heartbeat the gateway grain and report a publisher's
/// traffic, as a real gateway would.
/// </summary>
public sealed class FakeGateway : IGatewayObserver, IAsyncDisposable
{
    private readonly IClusterClient _client;
    private readonly IGatewayObserver _reference;
    private CancellationTokenSource? _heartbeats;
    private CancellationTokenSource? _reports;

    public FakeGateway(IClusterClient client, string? id = null)
    {
        _client = client;
        Id = id ?? "gw-" + Ids.Random(6);
        // The client runtime holds observers weakly; this object keeps itself alive for the test.
        _reference = client.CreateObjectReference<IGatewayObserver>(this);
    }

    public string Id { get; }

    /// <summary>When this gateway process started: a new value is a restart.</summary>
    public DateTime StartedUtc { get; set; } = DateTime.UtcNow;

    private long _sequence;

    /// <summary>One traffic report to the gateway grain; true when the grain asks for a full one.</summary>
    public Task<bool> Report(bool full, IEnumerable<ClientTraffic>? clients = null, IEnumerable<string>? closed = null,
        IEnumerable<StreamTrafficEntry>? streams = null) =>
        _client.GetGrain<IGatewayGrain>(Id).Report(new GatewayReport(Id, StartedUtc, Interlocked.Increment(ref _sequence), full,
            [.. streams ?? []], [.. clients ?? []], [.. closed ?? []]));

    /// <summary>Connections this gateway claims to hold; a kick of any other is answered false.</summary>
    public ConcurrentDictionary<string, bool> Held { get; } = new();

    public ConcurrentQueue<string> Kicked { get; } = new();

    public Task<bool> KickClient(string clientId)
    {
        Kicked.Enqueue(clientId);
        return Task.FromResult(Held.TryRemove(clientId, out _));
    }

    /// <summary>DVR starts (an assignment) and stops (null) the cluster asked of this gateway.</summary>
    public ConcurrentQueue<(string StreamKey, DvrAssignment? Assignment)> DvrControls { get; } = new();

    public Task<bool> ControlDvr(string streamKey, DvrAssignment? assignment)
    {
        DvrControls.Enqueue((streamKey, assignment));
        return Task.FromResult(true);
    }

    public Task Heartbeat() =>
        _client.GetGrain<IGatewayGrain>(Id).Heartbeat(
            new GatewayInfo(Id, "127.0.0.1", 1935, 8080, Held.Count, DateTime.UtcNow), _reference);

    /// <summary>Heartbeats now and then keeps heartbeating in the background.</summary>
    public async Task StartHeartbeats()
    {
        await Heartbeat();
        _heartbeats = Loop(Heartbeat);
    }

    public void StopHeartbeats() => Stop(ref _heartbeats);

    /// <summary>Keeps reporting growing traffic for a stream as the publisher's gateway.</summary>
    public void StartReporting(string streamKey, string publisherClientId)
    {
        long bytes = 0, frames = 0;
        var stream = _client.GetGrain<IStreamGrain>(streamKey);
        _reports = Loop(() => stream.ReportTraffic(
            new StreamTraffic(Id, publisherClientId, bytes += 50_000, 0, frames += 5, 0)));
    }

    public void StopReporting() => Stop(ref _reports);

    public ValueTask DisposeAsync()
    {
        StopHeartbeats();
        StopReporting();
        _client.DeleteObjectReference<IGatewayObserver>(_reference);
        return ValueTask.CompletedTask;
    }

    private static CancellationTokenSource Loop(Func<Task> action)
    {
        var stop = new CancellationTokenSource();
        var token = stop.Token;
        _ = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                try
                {
                    await action();
                    await Task.Delay(TestTimeouts.ReportEvery, token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                catch (Exception)
                {
                    // A call failing while the cluster shuts down ends nothing; the next tick retries.
                }
            }
        });
        return stop;
    }

    private static void Stop(ref CancellationTokenSource? loop)
    {
        loop?.Cancel();
        loop?.Dispose();
        loop = null;
    }
}
