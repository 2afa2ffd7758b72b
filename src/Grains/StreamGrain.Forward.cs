using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansLive.Grains.Forward;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>Forward: the stream decides where its publisher's gateway pushes copies (the vhost's
/// static destinations and its backend's answer) and keeps the state each push reports, for the API.
/// The state belongs to the current publish and is stored with the stream, so it survives a move.</summary>
public sealed partial class StreamGrain
{
    private Dictionary<string, ForwardStatus> Forwards => S.Forwards;

    public async Task<IReadOnlyList<string>> GetForwardPlan(string clientId)
    {
        var lease = S.Lease;
        if (lease is null || lease.ClientId != clientId)
        {
            logger.LogDebug("Forward plan for {Stream} asked by {Client}, not the publisher", this.GetPrimaryKeyString(), clientId);
            return [];
        }

        ForwardSettings? forward;
        try
        {
            forward = (await VhostSettings()).Forward;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Vhost settings of {Vhost} unavailable; {Stream} is not forwarded", _name.Vhost, this.GetPrimaryKeyString());
            return [];
        }
        if (forward is not { Enabled: true })
        {
            return [];
        }

        var urls = new List<string>();
        foreach (var destination in forward.Destinations ?? [])
        {
            if (ForwardDestinations.ToUrl(destination, _name.Vhost, _name.App, _name.Stream, lease.Param) is { } url)
            {
                urls.Add(url);
            }
            else
            {
                logger.LogWarning("Forward destination '{Destination}' of vhost {Vhost} is neither host:port nor rtmp://host:port/app; skipped",
                    destination, _name.Vhost);
            }
        }
        if (!string.IsNullOrWhiteSpace(forward.Backend))
        {
            var backend = ServiceProvider.GetRequiredService<ForwardBackendClient>();
            var request = new ForwardRequest(clientId, lease.Ip, _name.Vhost, _name.App, lease.TcUrl, _name.Stream, lease.Param);
            urls.AddRange(await backend.AskAsync(forward.Backend.Trim(), request, this.GetPrimaryKeyString()));
        }

        if (S.Lease?.ClientId != clientId)
        {
            // The publish ended while the backend was answering.
            return [];
        }
        var plan = urls.Distinct(StringComparer.Ordinal).ToList();
        var now = DateTime.UtcNow;
        foreach (var url in plan)
        {
            _dirty |= Forwards.TryAdd(url, new ForwardStatus(url, ForwardStates.Connecting, 0, null, now));
        }
        if (plan.Count > 0)
        {
            logger.LogInformation("Stream {Stream} forwarded by {Client} to {Urls}", this.GetPrimaryKeyString(), clientId, string.Join(" ", plan));
        }
        return plan;
    }

    public Task ReportForward(ForwardStatus status)
    {
        // Only forwards of the current publish count; reports may arrive out of order, so an older
        // one (fewer attempts, or an earlier state of the same attempt) never replaces a newer one.
        // The plan's own "connecting" entry (no attempt yet) gives way to any report.
        if (S.Lease is null || !Forwards.TryGetValue(status.Url, out var current))
        {
            return Task.CompletedTask;
        }
        var placeholder = current.Attempts == 0 && current.State == ForwardStates.Connecting;
        if (placeholder || status.Attempts > current.Attempts || (status.Attempts == current.Attempts && status.SinceUtc >= current.SinceUtc))
        {
            Forwards[status.Url] = status;
            _dirty = true;
        }
        return Task.CompletedTask;
    }

    /// <summary>The forwards of the current publish for the snapshot; null when there are none.</summary>
    private IReadOnlyList<ForwardStatus>? ForwardList() => Forwards.Count == 0 ? null : [.. Forwards.Values];
}
