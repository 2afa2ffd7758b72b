using Microsoft.Extensions.Logging;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>
/// One connection's record, as SRS's statistics client: who it is (ip, urls, type), its byte
/// counters and 30 s bitrate, and while live an entry in the client directory (/api/v1/clients).
/// A kick goes to the gateway that holds the socket, like SRS expiring the connection.
/// </summary>
public sealed partial class ClientSessionGrain(
    [PersistentState("client", StorageNames.Sessions)] IPersistentState<ClientSessionState> state,
    ILogger<ClientSessionGrain> logger) : Grain, IClientSessionGrain
{
    // Counters reach storage at most this often between Open and Close; Close always writes.
    private static readonly TimeSpan SaveInterval = TimeSpan.FromSeconds(10);

    // A live client re-lists itself this often, so a restarted directory fills up again.
    private static readonly TimeSpan RelistInterval = TimeSpan.FromSeconds(30);

    private readonly RateWindow _rate = new();
    private DateTime _savedUtc;
    private DateTime _listedUtc;

    private ClientSessionState S => state.State;
    private bool IsLive => S.Info is not null && S.EndedUtc is null;
    private IClientDirectoryGrain Directory => GrainFactory.GetGrain<IClientDirectoryGrain>(0);

    public async Task Open(ClientSessionInfo info)
    {
        if (S.EndedUtc is not null)
        {
            // Client ids are never reused: an open arriving after the close is a late retry.
            logger.LogDebug("Open of ended client {Client} ignored", this.GetPrimaryKeyString());
            return;
        }
        var now = DateTime.UtcNow;
        // The first open fixes when the connection started; later ones only add what became known.
        S.Info = S.Info is null ? info : S.Info.MergedWith(info);
        await Save(now);
        await Directory.Add(this.GetPrimaryKeyString());
        _listedUtc = now;
    }

    public async Task ReportTraffic(long sendBytes, long recvBytes)
    {
        if (!IsLive)
        {
            return;
        }
        var now = DateTime.UtcNow;
        S.SendBytes = sendBytes;
        S.RecvBytes = recvBytes;
        _rate.Add(now, recvBytes, sendBytes);
        if (now - _savedUtc > SaveInterval)
        {
            await Save(now);
        }
        if (now - _listedUtc > RelistInterval)
        {
            await Directory.Add(this.GetPrimaryKeyString());
            _listedUtc = now;
        }
    }

    public async Task Close(long sendBytes, long recvBytes)
    {
        if (S.Info is null)
        {
            // The gateway's open and close travel independently and a close can overtake the open of a
            // short connection (a probe): remember the end, so the late open does not list it forever.
            logger.LogDebug("Close of client {Client} before its open", this.GetPrimaryKeyString());
            S.EndedUtc ??= DateTime.UtcNow;
            S.SendBytes = sendBytes;
            S.RecvBytes = recvBytes;
            // Stored, so the end outlives this activation and the late open still finds it.
            await state.WriteStateAsync();
            DeactivateOnIdle();
            return;
        }
        var now = DateTime.UtcNow;
        S.SendBytes = sendBytes;
        S.RecvBytes = recvBytes;
        var ending = S.EndedUtc is null;
        S.EndedUtc ??= now;
        _rate.Clear();
        await Save(now);
        await Directory.Remove(this.GetPrimaryKeyString());
        if (ending)
        {
            await NotifyClosed();
        }
        // The record is final and stored; a later lookup reads it back. Left active, every ended
        // connection would hold an activation until idle collection (15 minutes), so a churning
        // audience grew the silo's activations and memory by thousands.
        DeactivateOnIdle();
    }

    public Task ReportRtp(RtpClientStats stats)
    {
        // Kept with the record; written with the next traffic save or at close.
        if (IsLive)
        {
            S.Rtp = stats;
        }
        return Task.CompletedTask;
    }

    public Task<ClientSessionSnapshot?> GetSnapshot()
    {
        if (S.Info is null)
        {
            return Task.FromResult<ClientSessionSnapshot?>(null);
        }
        var (recvKbps, sendKbps) = IsLive ? _rate.Kbps(DateTime.UtcNow) : (0, 0);
        return Task.FromResult<ClientSessionSnapshot?>(
            new ClientSessionSnapshot(S.Info, S.EndedUtc, S.SendBytes, S.RecvBytes, sendKbps, recvKbps, S.Rtp));
    }

    public async Task<bool> Kick()
    {
        if (!IsLive)
        {
            return false;
        }
        var clientId = this.GetPrimaryKeyString();
        var kicked = await GrainFactory.GetGrain<IGatewayGrain>(S.Info!.GatewayId).Kick(clientId);
        logger.LogInformation("Kick of client {Client} on gateway {Gateway}: {Result}",
            clientId, S.Info.GatewayId, kicked ? "ok" : "failed");
        return kicked;
    }

    private async Task Save(DateTime now)
    {
        await state.WriteStateAsync();
        _savedUtc = now;
    }
}
