using System.Collections.Concurrent;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Processes;

/// <summary>Every supervised process this gateway runs (ingests, execs and transcode engines), for the reports to the cluster.</summary>
public sealed class ProcessTable(GatewayIdentity identity)
{
    private readonly ConcurrentDictionary<SupervisedProcess, byte> _processes = new();

    public void Add(SupervisedProcess process) => _processes[process] = 0;

    public void Remove(SupervisedProcess process) => _processes.TryRemove(process, out _);

    public IReadOnlyList<ProcessStatus> Statuses() => _processes.Keys.Select(p => p.Status(identity.Id)).ToList();
}
