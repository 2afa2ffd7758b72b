using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansLive.Grains.Config;
using OrleansLive.Grains.Hooks;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>The connection's hooks: on_connect decides whether the RTMP client may stay, on_close
/// tells the backend it left (once, whichever gateway reports the close).</summary>
public sealed partial class ClientSessionGrain
{
    private HttpHookClient HookClient => ServiceProvider.GetRequiredService<HttpHookClient>();

    private HookServerIdentity HookIdentity => ServiceProvider.GetRequiredService<HookServerIdentity>();

    public async Task<HookVerdict> Connect(ClientSessionInfo info)
    {
        if (S.Info is null && S.EndedUtc is not null)
        {
            // Without an on_connect hook the gateway sends the connect in the background, and the close of
            // a short connection can overtake it: the session is over, but on_close still fires once.
            S.Info = info;
            S.Connected = true;
            await Save();
            await NotifyClosed();
            DeactivateOnIdle();
            return HookVerdict.Allow;
        }
        await Open(info);
        var hooks = ServiceProvider.GetRequiredService<VhostConfigStore>().Get(info.Vhost).HttpHooks;
        var urls = hooks?.UrlsFor(HookActions.OnConnect) ?? [];
        if (urls.Count > 0)
        {
            var body = HookPayloads.Connect(HookIdentity, Subject(info));
            var verdict = await HookClient.AskAsync(HookActions.OnConnect, urls, body, TimeSpan.FromMilliseconds(hooks!.TimeoutMs));
            if (!verdict.Allowed)
            {
                logger.LogInformation("Connect of client {Client} refused: {Reason}", this.GetPrimaryKeyString(), verdict.Reason);
                return verdict;
            }
        }
        S.Connected = true;
        SaveSoon();
        return HookVerdict.Allow;
    }

    /// <summary>on_close for a connected client; the backend's answer is only logged.</summary>
    private async Task NotifyClosed()
    {
        if (!S.Connected || S.Info is not { } info)
        {
            return;
        }
        try
        {
            var hooks = ServiceProvider.GetRequiredService<VhostConfigStore>().Get(info.Vhost).HttpHooks;
            var urls = hooks?.UrlsFor(HookActions.OnClose) ?? [];
            if (urls.Count > 0)
            {
                var body = HookPayloads.Close(HookIdentity, Subject(info), S.SendBytes, S.RecvBytes);
                HookClient.Notify(HookActions.OnClose, urls, body, TimeSpan.FromMilliseconds(hooks!.TimeoutMs), hooks.NotifyRetries);
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "on_close of client {Client} not sent", this.GetPrimaryKeyString());
        }
    }

    private HookSubject Subject(ClientSessionInfo info) => new(
        this.GetPrimaryKeyString(), info.Ip, info.Vhost, info.App, info.Stream, info.Param, info.TcUrl, info.PageUrl,
        StreamKey.Url(info.Vhost, info.App, info.Stream), info.StreamId ?? "");
}
