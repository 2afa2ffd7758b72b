using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace OrleansLive.LoadTool.Drills;

/// <summary>
/// The cluster's session records as the API shows them: every couple of seconds the live client list
/// (/api/v1/clients); a client that left it is looked up in /api/v1/sessions/{id} until its record
/// shows an end. Such a record is final, and a later check finds out whether it is still there.
/// </summary>
internal sealed class SessionLedger
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(2);
    private const int LookupsPerRound = 40;

    private readonly ChaosCluster _cluster;
    private readonly ConcurrentDictionary<string, long> _live = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _ended = new(StringComparer.Ordinal);

    public SessionLedger(ChaosCluster cluster) => _cluster = cluster;

    /// <summary>Client ids seen live so far.</summary>
    public int Seen => _live.Count + _ended.Count;

    /// <summary>Sessions whose ended record was read before <paramref name="ticks"/>.</summary>
    public List<string> EndedBefore(long ticks) => [.. _ended.Where(e => e.Value < ticks).Select(e => e.Key)];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await RoundAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>How many of <paramref name="ids"/> no longer have an ended record; null when no silo answered.</summary>
    public async Task<(int Lost, List<string> Examples)?> CountLostAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var lost = new ConcurrentBag<string>();
        var failed = 0;
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (id, token) =>
        {
            // A lookup that fails is tried again: the API may be between silos.
            for (var attempt = 0; attempt < 5; attempt++)
            {
                try
                {
                    if (await EndedAsync(id, token) is not true)
                    {
                        lost.Add(id);
                    }
                    return;
                }
                catch (IOException)
                {
                    await Task.Delay(500, token);
                }
            }
            Interlocked.Increment(ref failed);
        });
        return failed > 0 && failed == ids.Count ? null : (lost.Count, lost.Take(5).ToList());
    }

    private async Task RoundAsync(CancellationToken cancellationToken)
    {
        JsonElement clients;
        try
        {
            clients = await _cluster.GetJsonAsync("api/v1/clients?count=100000", cancellationToken);
        }
        catch (IOException)
        {
            return;
        }
        if (!clients.TryGetProperty("clients", out var list))
        {
            return;
        }
        var now = Stopwatch.GetTimestamp();
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var client in list.EnumerateArray())
        {
            var id = client.GetProperty("id").GetString()!;
            live.Add(id);
            if (!_ended.ContainsKey(id))
            {
                _live[id] = now;
            }
        }
        // Gone from the list: ended, or the list is incomplete for a moment (a directory moving between silos).
        foreach (var id in _live.Keys.Where(id => !live.Contains(id)).Take(LookupsPerRound).ToList())
        {
            try
            {
                if (await EndedAsync(id, cancellationToken) is true)
                {
                    _live.TryRemove(id, out _);
                    _ended[id] = Stopwatch.GetTimestamp();
                }
            }
            catch (IOException)
            {
                return;
            }
        }
    }

    /// <summary>True: the record shows an end; false: no record or not ended.</summary>
    private async Task<bool?> EndedAsync(string id, CancellationToken cancellationToken)
    {
        var json = await _cluster.GetJsonAsync($"api/v1/sessions/{Uri.EscapeDataString(id)}", cancellationToken);
        return json.GetProperty("code").GetInt32() == 0
            && json.GetProperty("session").TryGetProperty("end_ms", out var end) && end.ValueKind == JsonValueKind.Number;
    }
}
