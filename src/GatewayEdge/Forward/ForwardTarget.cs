using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Forward;

/// <summary>
/// Pushes one publish to one destination: connect and publish like an encoder, then send the hub's
/// frames from a player queue (so the copy starts at the GOP cache, like a player). A failed attempt
/// is retried after 1 s, doubling up to 30 s, until the publish ends. Each state change goes to the
/// stream grain.
/// </summary>
internal sealed class ForwardTarget
{
    private const int SendBatchBytes = 256 * 1024;

    private readonly string _url;
    private readonly PublishContext _context;
    private readonly ForwardExtension _owner;
    private readonly ILogger _logger;

    public ForwardTarget(string url, PublishContext context, ForwardExtension owner)
    {
        _url = url;
        _context = context;
        _owner = owner;
        _logger = context.Logger;
    }

    public async Task RunAsync(RtmpUrl url, CancellationToken stop)
    {
        await Task.Yield();
        var attempts = 0;
        var failures = 0;
        string? lastError = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                attempts++;
                Report(ForwardStates.Connecting, attempts, lastError);
                var outcome = await AttemptAsync(url, attempts, stop);
                if (outcome.Ended)
                {
                    break;
                }
                failures = outcome.WasActive ? 1 : failures + 1;
                lastError = outcome.Error;
                var delay = ForwardExtension.Backoff(failures);
                _logger.LogWarning("Forward of {Url} to {Destination} failed (attempt {Attempt}): {Error}; retrying in {Delay} s",
                    _context.Address.Url, _url, attempts, lastError, delay.TotalSeconds);
                Report(ForwardStates.Retrying, attempts, lastError);
                await Task.Delay(delay, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        _logger.LogInformation("Forward of {Url} to {Destination} stopped after {Attempts} attempts", _context.Address.Url, _url, attempts);
        Report(ForwardStates.Stopped, attempts, lastError);
    }

    /// <summary>Tells the stream grain, in the background.</summary>
    public void Report(string state, int attempts, string? error)
    {
        var status = new ForwardStatus(_url, state, attempts, error, DateTime.UtcNow);
        var key = _context.Address.Key;
        var cluster = _owner.Cluster;
        cluster.Fire(() => cluster.Stream(key).ReportForward(status), "report forward state");
    }

    private readonly record struct Outcome(bool Ended, bool WasActive, string? Error);

    /// <summary>One connection to the destination, until the publish ends (Ended) or the attempt fails.</summary>
    private async Task<Outcome> AttemptAsync(RtmpUrl url, int attempt, CancellationToken stop)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var tooSlow = false;
        var queue = new PlayerQueue("forward-" + attempt, _owner.PlayerLimits)
        {
            Dropped = _ =>
            {
                tooSlow = true;
                failed.Cancel();
            },
        };
        using var wake = failed.Token.Register(() => queue.Complete(PlayerEnd.Closed));
        var options = _owner.Options;
        var active = false;
        var batch = new List<MediaFrame>(64);
        string? closedBy = null;
        RtmpClient? client = null;
        var reader = Task.CompletedTask;
        try
        {
            using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(failed.Token))
            {
                // A destination that drops packets would otherwise keep the attempt "connecting" for minutes.
                connecting.CancelAfter(TimeSpan.FromSeconds(options.HandshakeTimeoutSeconds));
                client = await RtmpClient.ConnectAsync(url, options.OutChunkSize, options.MaxMessageBytes, connecting.Token);
                await client.PublishAsync(connecting.Token);
            }
            _context.Hub.AddPlayer(queue);
            if (_context.Hub.PublisherClientId != _context.ClientId)
            {
                return new Outcome(true, false, null);
            }
            active = true;
            _logger.LogInformation("Forward of {Url} to {Destination} active", _context.Address.Url, _url);
            Report(ForwardStates.Active, attempt, null);

            // The destination sends little (acks, pings); reading it also tells when it goes away.
            reader = DrainAsync(client, failed, reason => closedBy ??= reason);
            var sendTimeout = TimeSpan.FromSeconds(options.SendTimeoutSeconds);
            while (await queue.WaitAsync())
            {
                queue.Drain(batch, SendBatchBytes);
                var before = client.SentBytes;
                await client.SendFramesAsync(batch, options.OutChunkSize, failed.Token).WaitAsync(sendTimeout, failed.Token);
                queue.AddSent(client.SentBytes - before);
                ReleaseAll(batch);
            }
            return queue.End switch
            {
                PlayerEnd.Unpublished => new Outcome(true, true, null),
                _ when stop.IsCancellationRequested => new Outcome(true, true, null),
                _ when tooSlow => new Outcome(false, true, TooSlow),
                _ => new Outcome(false, true, closedBy ?? Closed),
            };
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return new Outcome(true, active, null);
        }
        catch (OperationCanceledException) when (failed.IsCancellationRequested)
        {
            return new Outcome(false, active, tooSlow ? TooSlow : closedBy ?? Closed);
        }
        catch (OperationCanceledException) when (!active)
        {
            return new Outcome(false, false, $"no answer within {options.HandshakeTimeoutSeconds} s");
        }
        catch (TimeoutException)
        {
            return new Outcome(false, active, $"send stalled for {options.SendTimeoutSeconds} s");
        }
        catch (Exception ex)
        {
            return new Outcome(false, active, ex.Message);
        }
        finally
        {
            await failed.CancelAsync();
            await reader;
            if (client is not null)
            {
                await client.DisposeAsync();
            }
            ReleaseAll(batch);
            _context.Hub.RemovePlayer(queue);
            queue.Complete(PlayerEnd.Closed);
        }
    }

    private const string TooSlow = "destination too slow: fell behind too often";

    private const string Closed = "destination closed the connection";

    private static async Task DrainAsync(RtmpClient client, CancellationTokenSource failed, Action<string> closed)
    {
        await Task.Yield();
        try
        {
            while (await client.ReadMediaAsync(failed.Token) is { } message)
            {
                message.ReturnBuffer();
            }
            closed(Closed);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception ex)
        {
            closed(ex.Message);
        }
        await failed.CancelAsync();
    }

    private static void ReleaseAll(List<MediaFrame> batch)
    {
        foreach (var frame in batch)
        {
            frame.Release();
        }
        batch.Clear();
    }
}
