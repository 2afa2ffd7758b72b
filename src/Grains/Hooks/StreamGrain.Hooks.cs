using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansLive.Grains.Config;
using OrleansLive.Grains.Hooks;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>
/// The stream's security rules and hooks. Decisions (a new publisher, a player) are taken here and
/// awaited by the gateway; notifications (on_unpublish, on_stop, on_dvr, on_hls) are sent in the
/// background from here, so each fires once per session however many gateways serve the stream.
/// </summary>
public sealed partial class StreamGrain : IStreamHookEvents
{
    private HttpHookClient HookClient => ServiceProvider.GetRequiredService<HttpHookClient>();

    private HookServerIdentity HookIdentity => ServiceProvider.GetRequiredService<HookServerIdentity>();

    public Task OnDvr(DvrHookFile file) =>
        NotifyFileEvent(HookActions.OnDvr, file.ClientId, subject => HookPayloads.Dvr(HookIdentity, subject, file));

    public Task OnHls(HlsHookSegment segment) =>
        NotifyFileEvent(HookActions.OnHls, segment.ClientId, subject => HookPayloads.Hls(HookIdentity, subject, segment));

    /// <summary>Security rules, then on_publish hooks, for a client that would take a free lease.
    /// Null when it may publish.</summary>
    private async Task<PublishVerdict?> RefuseNewPublisher(PublishClaim claim)
    {
        var settings = await VhostSettings();
        if (SecurityRules.Check(settings.Security, SecurityAction.Publish, claim.Ip) is { } denied)
        {
            logger.LogInformation("Publish of {Stream} by {Client} refused: {Reason}", this.GetPrimaryKeyString(), claim.ClientId, denied);
            return new PublishVerdict(false, StreamId, "security: " + denied);
        }
        var hooks = settings.HttpHooks;
        var urls = hooks?.UrlsFor(HookActions.OnPublish) ?? [];
        if (urls.Count == 0)
        {
            return null;
        }
        var subject = Subject(claim.ClientId, claim.Ip, claim.TcUrl, "", claim.Param);
        var verdict = await HookClient.AskAsync(HookActions.OnPublish, urls, HookPayloads.Publish(HookIdentity, HookActions.OnPublish, subject), Timeout(hooks!));
        if (verdict.Allowed)
        {
            return null;
        }
        logger.LogInformation("Publish of {Stream} by {Client} refused: {Reason}", this.GetPrimaryKeyString(), claim.ClientId, verdict.Reason);
        return new PublishVerdict(false, StreamId, verdict.Reason);
    }

    /// <summary>Security rules, then on_play hooks. Null when the client may play, else why not.</summary>
    private async Task<string?> RefusePlayer(PlayClaim claim)
    {
        var settings = await VhostSettings();
        if (SecurityRules.Check(settings.Security, SecurityAction.Play, claim.Ip) is { } denied)
        {
            logger.LogInformation("Play of {Stream} by {Client} refused: {Reason}", this.GetPrimaryKeyString(), claim.ClientId, denied);
            return "security: " + denied;
        }
        var hooks = settings.HttpHooks;
        var urls = hooks?.UrlsFor(HookActions.OnPlay) ?? [];
        if (urls.Count == 0)
        {
            return null;
        }
        var subject = Subject(claim.ClientId, claim.Ip, claim.TcUrl, claim.PageUrl, claim.Param);
        var verdict = await HookClient.AskAsync(HookActions.OnPlay, urls, HookPayloads.Play(HookIdentity, subject), Timeout(hooks!));
        if (verdict.Allowed)
        {
            return null;
        }
        logger.LogInformation("Play of {Stream} by {Client} refused: {Reason}", this.GetPrimaryKeyString(), claim.ClientId, verdict.Reason);
        return verdict.Reason;
    }

    private Task NotifyUnpublished(PublishSession lease) =>
        Notify(HookActions.OnUnpublish, lease.ClientId,
            () => HookPayloads.Publish(HookIdentity, HookActions.OnUnpublish, Subject(lease.ClientId, lease.Ip, lease.TcUrl, "", lease.Param)));

    private Task NotifyStopped(PlayClaim claim) =>
        Notify(HookActions.OnStop, claim.ClientId,
            () => HookPayloads.Stop(HookIdentity, Subject(claim.ClientId, claim.Ip, claim.TcUrl, claim.PageUrl, claim.Param)));

    /// <summary>on_dvr / on_hls about the publish session that wrote the file: the one of ClientId
    /// if given and known, else the current or latest one.</summary>
    private Task NotifyFileEvent(string action, string? clientId, Func<HookSubject, System.Text.Json.Nodes.JsonObject> body)
    {
        var latest = S.Lease ?? S.History.LastOrDefault();
        var session = clientId is null || latest?.ClientId == clientId
            ? latest
            : S.History.LastOrDefault(h => h.ClientId == clientId) ?? latest;
        var subject = session is null
            ? Subject(clientId ?? "", "", S.TcUrl, "", "")
            : Subject(session.ClientId, session.Ip, session.TcUrl, "", session.Param);
        return Notify(action, subject.ClientId, () => body(subject));
    }

    /// <summary>Queues a notification hook; never throws, never waits for the backend.</summary>
    private async Task Notify(string action, string clientId, Func<System.Text.Json.Nodes.JsonObject> body)
    {
        try
        {
            var hooks = (await VhostSettings()).HttpHooks;
            var urls = hooks?.UrlsFor(action) ?? [];
            if (urls.Count > 0)
            {
                HookClient.Notify(action, urls, body(), Timeout(hooks!), hooks!.NotifyRetries);
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "{Action} of {Stream} for client {Client} not sent", action, this.GetPrimaryKeyString(), clientId);
        }
    }

    /// <summary>From this silo's copy of the cluster's configuration: no grain call between a claim and its hooks.</summary>
    private Task<VhostSettings> VhostSettings() => Task.FromResult(ServiceProvider.GetRequiredService<VhostConfigStore>().Get(_name.Vhost));

    private static TimeSpan Timeout(HttpHooksSettings hooks) => TimeSpan.FromMilliseconds(hooks.TimeoutMs);

    private HookSubject Subject(string clientId, string ip, string tcUrl, string pageUrl, string param) => new(
        clientId, ip, _name.Vhost, _name.App, _name.Stream, param, tcUrl, pageUrl,
        StreamKey.Url(_name.Vhost, _name.App, _name.Stream), StreamId);
}
