using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>
/// The DVR of one stream: decides at each publish whether it is recorded (the vhost's dvr settings,
/// overridden by the control API for the live publish or the next one), asks the publisher's gateway
/// to start or stop when the API says so, keeps the list of files the gateway writes and announces
/// each closed file on the stream's on_dvr event stream. A file left open by a gateway that died (kill -9, a lost
/// machine) is ended here once its reports stopped and its publisher no longer holds the stream: after the lease
/// expires, or after a restart of the cluster, whose storage still lists it open.
/// </summary>
public sealed class DvrGrain(
    [PersistentState("dvr", StorageNames.Default)] IPersistentState<DvrState> state,
    IOptions<StreamGrainOptions> options,
    ILogger<DvrGrain> logger) : Grain, IDvrGrain
{
    /// <summary>No report (opened, progress) for this long, and the file is a suspect; the recorder reports about once a
    /// second of media.</summary>
    internal static readonly TimeSpan ReportSilence = TimeSpan.FromSeconds(5);

    // In memory: when each open file last reported; a restored file counts from the activation.
    private readonly Dictionary<(string Path, DateTime Start), DateTime> _lastReport = [];
    private readonly Dictionary<(string Path, DateTime Start), double> _storedDuration = [];
    private IGrainTimer? _orphanCheck;

    /// <summary>How much media an open file's stored entry may lag behind its recorder's reports.</summary>
    internal const double StoredProgressSeconds = 5;

    private DvrState S => state.State;

    private string Key => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        WatchOpenFiles();
        return Task.CompletedTask;
    }

    public async Task<DvrAssignment?> OnPublish(DvrPublish publish)
    {
        var (vhost, app, stream) = StreamKey.Parse(Key);
        DvrAssignment? assignment;
        if (S.Override is { } requested)
        {
            assignment = requested.Record ? requested.Assignment : null;
        }
        else
        {
            var settings = (await GrainFactory.GetGrain<IVhostGrain>(vhost).GetSettings()).Dvr;
            assignment = settings.Enabled && settings.AppliesTo(app, stream) ? FromSettings(settings, "config") : null;
        }
        S.Live = publish;
        S.LastPublish = publish;
        S.Assignment = assignment;
        await state.WriteStateAsync();
        if (assignment is not null)
        {
            await GrainFactory.GetGrain<IDvrDirectoryGrain>(0).Add(Key);
            logger.LogInformation("DVR of {Stream} by {Source}: plan {Plan}, path {Path}", Key, assignment.Source, assignment.Plan, assignment.Path);
        }
        return assignment;
    }

    public async Task OnUnpublish(string clientId)
    {
        if (S.Live?.ClientId != clientId)
        {
            return;
        }
        S.Live = null;
        S.Assignment = null;
        S.Override = null;
        await state.WriteStateAsync();
    }

    public async Task FileOpened(DvrFile file)
    {
        Upsert(file);
        _lastReport[(file.Path, file.StartUtc)] = DateTime.UtcNow;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IDvrDirectoryGrain>(0).Add(Key);
        WatchOpenFiles();
    }

    public async Task FileProgress(DvrFile file)
    {
        // In memory, and stored only every StoredProgressSeconds of media: a storage write per second per recording is
        // not worth it, but a file a crash leaves open should keep most of its length in the list. A report that arrives
        // after the close is stale.
        var index = IndexOf(file);
        if (index >= 0 && !S.Files[index].Closed)
        {
            S.Files[index] = file;
            _lastReport[(file.Path, file.StartUtc)] = DateTime.UtcNow;
            if (file.Duration - _storedDuration.GetValueOrDefault((file.Path, file.StartUtc)) >= StoredProgressSeconds)
            {
                _storedDuration[(file.Path, file.StartUtc)] = file.Duration;
                await state.WriteStateAsync();
            }
        }
    }

    public async Task FileClosed(DvrFile file)
    {
        var index = IndexOf(file);
        var endedHere = index >= 0 && S.Files[index].Closed;
        Upsert(file);
        _lastReport.Remove((file.Path, file.StartUtc));
        await state.WriteStateAsync();
        logger.LogInformation("DVR file of {Stream} closed: {File} ({Duration:F3} s, {Size} bytes)", Key, file.Path, file.Duration, file.Size);
        if (!endedHere)
        {
            // Announced once: a close that arrives after this grain ended the file (a partition that healed) only corrects it.
            await AnnounceAsync(file);
        }
    }

    /// <summary>Runs the orphan check while any file is open.</summary>
    private void WatchOpenFiles()
    {
        if (_orphanCheck is null && S.Files.Any(f => !f.Closed))
        {
            var period = options.Value.CheckPeriod;
            _orphanCheck = this.RegisterGrainTimer(EndOrphanedFilesAsync, new GrainTimerCreationOptions(period, period) { KeepAlive = true });
        }
    }

    /// <summary>Ends the open files whose recorder fell silent while their publisher no longer holds the stream: what its
    /// gateway wrote stays (an MP4 plays up to its last fragment, an FLV up to its last tag), and the entry says so.</summary>
    private async Task EndOrphanedFilesAsync(CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var silent = S.Files.Where(f => !f.Closed && now - _lastReport.GetValueOrDefault((f.Path, f.StartUtc), now) > ReportSilence).ToList();
        foreach (var file in S.Files.Where(f => !f.Closed && !_lastReport.ContainsKey((f.Path, f.StartUtc))))
        {
            // Restored from storage: its silence counts from now.
            _lastReport[(file.Path, file.StartUtc)] = now;
        }
        if (silent.Count > 0)
        {
            var publisher = await GrainFactory.GetGrain<IStreamGrain>(Key).GetPublisher();
            var orphans = silent.Where(f => publisher?.ClientId != f.ClientId).ToList();
            foreach (var file in orphans)
            {
                var ended = file with { Closed = true };
                Upsert(ended);
                _lastReport.Remove((file.Path, file.StartUtc));
                logger.LogWarning("DVR file of {Stream} ended without its gateway {Gateway} closing it (publisher {Client} gone): {File} ({Duration:F3} s, {Size} bytes as last reported)",
                    Key, file.GatewayId, file.ClientId, file.Path, file.Duration, file.Size);
            }
            if (orphans.Count > 0)
            {
                if (S.Live is { } live && orphans.Any(f => f.ClientId == live.ClientId))
                {
                    // The publish that was recording is over too.
                    (S.Live, S.Assignment, S.Override) = (null, null, null);
                }
                await state.WriteStateAsync();
                foreach (var file in orphans)
                {
                    await AnnounceAsync(file with { Closed = true });
                }
            }
        }
        if (!S.Files.Any(f => !f.Closed))
        {
            _orphanCheck?.Dispose();
            _orphanCheck = null;
        }
    }

    /// <summary>The closed file as an on_dvr event and SRS's on_dvr callback.</summary>
    private async Task AnnounceAsync(DvrFile file)
    {
        var (vhost, app, stream) = StreamKey.Parse(Key);
        var publish = S.LastPublish?.ClientId == file.ClientId ? S.LastPublish : null;
        var source = new StreamEventSource(vhost, app, stream, StreamKey.Url(vhost, app, stream), publish?.StreamId ?? "",
            file.ClientId, publish?.Ip ?? "", publish?.TcUrl ?? "", publish?.Param ?? "", file.GatewayId);
        var evt = new DvrFileEvent(source, file.Cwd, file.Path, file.Duration, file.Size, file.Format, file.Plan, file.StartUtc);
        try
        {
            await this.GetStreamProvider(LiveEventStreams.Provider).GetStream<DvrFileEvent>(StreamId.Create(LiveEventStreams.DvrNamespace, Key)).OnNextAsync(evt);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "on_dvr event for {File} not published", file.Path);
        }
        // The stream grain turns it into SRS's on_dvr callback (a notification; it returns at once).
        await GrainFactory.GetGrain<IStreamHookEvents>(Key).OnDvr(new DvrHookFile(file.Path, file.Cwd, file.ClientId));
    }

    public async Task<DvrStatus> Start(DvrAssignment? settings)
    {
        var assignment = settings ?? FromSettings(await VhostDvrSettings(), "api");
        S.Override = new DvrOverride { Record = true, Assignment = assignment };
        if (S.Live is { } live && await Control(live, assignment))
        {
            S.Assignment = assignment;
        }
        await state.WriteStateAsync();
        return Status();
    }

    public async Task<DvrStatus> Stop()
    {
        S.Override = new DvrOverride { Record = false };
        if (S.Live is { } live && S.Assignment is not null && await Control(live, null))
        {
            S.Assignment = null;
        }
        await state.WriteStateAsync();
        return Status();
    }

    public Task<DvrStatus> GetStatus() => Task.FromResult(Status());

    private DvrStatus Status() => new(Key, S.Live is not null, S.Live is not null && S.Assignment is not null, S.Assignment, [.. S.Files]);

    private async Task<bool> Control(DvrPublish live, DvrAssignment? assignment)
    {
        var done = await GrainFactory.GetGrain<IGatewayGrain>(live.GatewayId).ControlDvr(Key, assignment);
        if (!done)
        {
            logger.LogWarning("DVR {Action} of {Stream}: gateway {Gateway} did not take it", assignment is null ? "stop" : "start", Key, live.GatewayId);
        }
        return done;
    }

    private async Task<DvrSettings> VhostDvrSettings() =>
        (await GrainFactory.GetGrain<IVhostGrain>(StreamKey.Parse(Key).Vhost).GetSettings()).Dvr;

    private static DvrAssignment FromSettings(DvrSettings settings, string source) =>
        new(settings.Plan, settings.Path, settings.Duration, settings.WaitKeyframe, source);

    private int IndexOf(DvrFile file) =>
        S.Files.FindIndex(f => f.Path == file.Path && f.StartUtc == file.StartUtc && f.GatewayId == file.GatewayId);

    /// <summary>Adds the file, or replaces the entry of the same path and start (open, then closed).</summary>
    private void Upsert(DvrFile file)
    {
        var index = IndexOf(file);
        if (index >= 0)
        {
            S.Files[index] = file;
            return;
        }
        S.Files.Add(file);
        if (S.Files.Count > DvrState.MaxFiles)
        {
            S.Files.RemoveRange(0, S.Files.Count - DvrState.MaxFiles);
        }
    }
}

/// <summary>What a stream's DVR keeps: the live publish and what it records, an API override, the files.</summary>
[GenerateSerializer]
public sealed class DvrState
{
    public const int MaxFiles = 1000;

    [Id(0)] public DvrPublish? Live { get; set; }
    [Id(1)] public DvrPublish? LastPublish { get; set; }
    [Id(2)] public DvrAssignment? Assignment { get; set; }
    [Id(3)] public DvrOverride? Override { get; set; }
    [Id(4)] public List<DvrFile> Files { get; set; } = [];
}

/// <summary>A control API start (with what to record) or stop, for the live publish or the next one.</summary>
[GenerateSerializer]
public sealed class DvrOverride
{
    [Id(0)] public bool Record { get; set; }
    [Id(1)] public DvrAssignment? Assignment { get; set; }
}

/// <summary>Keys of streams with DVR state, persisted so the API lists recordings after a restart.</summary>
public sealed class DvrDirectoryGrain(
    [PersistentState("dvrs", StorageNames.Default)] IPersistentState<DvrDirectoryState> state) : Grain, IDvrDirectoryGrain
{
    public async Task Add(string streamKey)
    {
        if (state.State.Keys.Add(streamKey))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> List() =>
        Task.FromResult<IReadOnlyList<string>>(state.State.Keys.Order(StringComparer.Ordinal).ToList());
}

[GenerateSerializer]
public sealed class DvrDirectoryState
{
    [Id(0)] public HashSet<string> Keys { get; set; } = new(StringComparer.Ordinal);
}
