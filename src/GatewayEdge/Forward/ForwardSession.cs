using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Forward;

/// <summary>The forwards of one publish: the plan from the stream grain, then one
/// <see cref="ForwardTarget"/> per destination. Disposed after the publisher left.</summary>
internal sealed class ForwardSession : IAsyncDisposable
{
    private readonly PublishContext _context;
    private readonly ForwardExtension _owner;
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    public ForwardSession(PublishContext context, ForwardExtension owner)
    {
        _context = context;
        _owner = owner;
    }

    public void Start() => _run = RunAsync();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (Exception ex)
        {
            _context.Logger.LogWarning(ex, "Forwards of {Url} ended with an error", _context.Address.Url);
        }
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        await Task.Yield();
        var logger = _context.Logger;
        IReadOnlyList<string> plan;
        try
        {
            plan = await _owner.Cluster.Stream(_context.Address.Key).GetForwardPlan(_context.ClientId).WaitAsync(_stop.Token);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Forward plan of {Url} unavailable; not forwarding", _context.Address.Url);
            return;
        }

        var targets = new List<Task>();
        foreach (var text in plan)
        {
            var target = new ForwardTarget(text, _context, _owner);
            if (!RtmpUrl.TryParse(text, out var url))
            {
                logger.LogWarning("Forward of {Url} to {Destination} skipped: not an rtmp://host[:port]/app/stream URL", _context.Address.Url, text);
                target.Report(ForwardStates.Stopped, 0, "not an rtmp://host[:port]/app/stream URL");
                continue;
            }
            if (_owner.IsLoop(url, _context))
            {
                logger.LogWarning("Forward of {Url} to {Destination} skipped: forward loop, the destination is this stream", _context.Address.Url, text);
                target.Report(ForwardStates.Stopped, 0, "forward loop: the destination is this stream");
                continue;
            }
            targets.Add(target.RunAsync(url, _stop.Token));
        }
        await Task.WhenAll(targets);
    }
}
