using Microsoft.Extensions.Logging;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>
/// One connection's record, as SRS's statistics client: who it is (ip, urls, type) and its byte
/// counters. The live list and the latest counters (what /api/v1/clients shows) are the gateway
/// grain's; this record is what stays once the connection ended. A kick goes to the gateway that holds
/// the socket, like SRS expiring the connection.
/// </summary>
public sealed partial class ClientSessionGrain(
    [PersistentState("client", StorageNames.Sessions)] IPersistentState<ClientSessionState> state,
    ILogger<ClientSessionGrain> logger) : Grain, IClientSessionGrain
{
    // A connection's opening calls (open, connect, then its publish or play) come moments apart: the
    // record is first written this long after the first, with all of them in one write.
    private static readonly TimeSpan FirstSaveDelay = TimeSpan.FromSeconds(2);

    // Between that first write and the close, the record is written at most this often.
    private static readonly TimeSpan SaveInterval = TimeSpan.FromMinutes(1);

    private DateTime _savedUtc;
    private bool _dirty;
    private IGrainTimer? _saveTimer;

    private ClientSessionState S => state.State;
    private bool IsLive => S.Info is not null && S.EndedUtc is null;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Info is not null)
        {
            // Read from storage: it was written, so the next write waits a full interval.
            _savedUtc = DateTime.UtcNow;
        }
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty)
        {
            await Save();
        }
    }

    public Task Open(ClientSessionInfo info)
    {
        if (S.EndedUtc is not null)
        {
            // Client ids are never reused: an open arriving after the close is a late retry.
            logger.LogDebug("Open of ended client {Client} ignored", this.GetPrimaryKeyString());
            return Task.CompletedTask;
        }
        // The first open fixes when the connection started; later ones only add what became known.
        S.Info = S.Info is null ? info : S.Info.MergedWith(info);
        SaveSoon();
        return Task.CompletedTask;
    }

    public Task ReportTraffic(ClientTraffic traffic)
    {
        if (IsLive)
        {
            S.SendBytes = traffic.SendBytes;
            S.RecvBytes = traffic.RecvBytes;
            S.Rtp = traffic.Rtp ?? S.Rtp;
            SaveSoon();
        }
        return Task.CompletedTask;
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
        S.SendBytes = sendBytes;
        S.RecvBytes = recvBytes;
        var ending = S.EndedUtc is null;
        S.EndedUtc ??= DateTime.UtcNow;
        await Save();
        if (ending)
        {
            await NotifyClosed();
        }
        // The record is final and stored; a later lookup reads it back. Left active, every ended
        // connection would hold an activation until idle collection (15 minutes), so a churning
        // audience grew the silo's activations and memory by thousands.
        DeactivateOnIdle();
    }

    public async Task GatewayLost(string gatewayId, long sendBytes, long recvBytes)
    {
        if (!IsLive || S.Info!.GatewayId != gatewayId)
        {
            return;
        }
        logger.LogInformation("Client {Client} closed: its gateway {Gateway} is gone", this.GetPrimaryKeyString(), gatewayId);
        // The gateway's last report may be older than what the record already has.
        await Close(Math.Max(sendBytes, S.SendBytes), Math.Max(recvBytes, S.RecvBytes));
    }

    public Task<ClientSessionSnapshot?> GetSnapshot() => Task.FromResult(S.Info is null
        ? null
        : new ClientSessionSnapshot(S.Info, S.EndedUtc, S.SendBytes, S.RecvBytes, 0, 0, S.Rtp));

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

    /// <summary>Marks the record changed and has it written: shortly after the first open, then at most
    /// once every <see cref="SaveInterval"/>.</summary>
    private void SaveSoon(TimeSpan? after = null)
    {
        _dirty = true;
        if (_saveTimer is not null)
        {
            return;
        }
        var due = after ?? (_savedUtc == default ? FirstSaveDelay : _savedUtc + SaveInterval - DateTime.UtcNow);
        _saveTimer = this.RegisterGrainTimer(SaveIfDirty,
            new GrainTimerCreationOptions(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan));
    }

    private async Task SaveIfDirty(CancellationToken cancellationToken)
    {
        if (!_dirty)
        {
            return;
        }
        try
        {
            await Save();
        }
        catch (Exception ex)
        {
            // Storage away: the record stays changed in memory and is tried again (Close always writes).
            logger.LogWarning(ex, "Record of client {Client} not written; retrying", this.GetPrimaryKeyString());
            SaveSoon(FirstSaveDelay);
        }
    }

    private async Task Save()
    {
        _saveTimer?.Dispose();
        _saveTimer = null;
        await state.WriteStateAsync();
        _dirty = false;
        _savedUtc = DateTime.UtcNow;
    }
}
