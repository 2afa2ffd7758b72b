using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Processes;

/// <summary>
/// Transcode (SRS `transcode { engine ... }`): beside each publish on this gateway, one supervised
/// ffmpeg per engine of the vhost reads the stream from the local RTMP port and publishes its
/// rendition back ([stream]_[engine]); restarted with backoff while the source is live, ended when
/// it leaves. When the vhost configuration changes, the engines of live streams follow it: a removed
/// engine stops, an added one starts, a changed one starts again with its new command.
/// </summary>
public sealed partial class TranscodeExtension : IPublishExtension, IAsyncDisposable
{
    private readonly VhostSettingsCache _vhosts;
    private readonly GatewayEndpoints _endpoints;
    private readonly ProcessTable _table;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Source, byte> _sources = new();

    public TranscodeExtension(VhostSettingsCache vhosts, GatewayEndpoints endpoints, ProcessTable table, ILoggerFactory loggers)
    {
        (_vhosts, _endpoints, _table) = (vhosts, endpoints, table);
        _logger = loggers.CreateLogger("OrleansLive.GatewayEdge.Processes.Transcode");
        _vhosts.Adopted += OnAdopted;
    }

    public async ValueTask<IAsyncDisposable?> StartAsync(PublishContext context, CancellationToken cancellationToken)
    {
        // Every publish is watched, so a transcode configured while it is live reaches it too.
        var source = new Source(this, context.Address);
        _sources[source] = 0;
        await source.ReconcileAsync().ConfigureAwait(false);
        return source;
    }

    private void OnAdopted()
    {
        foreach (var source in _sources.Keys)
        {
            _ = source.ReconcileAsync();
        }
    }

    /// <summary>The gateway stops: engines of publishes still live end with it.</summary>
    public async ValueTask DisposeAsync()
    {
        _vhosts.Adopted -= OnAdopted;
        await Task.WhenAll(_sources.Keys.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    /// <summary>The engines' command lines the configuration wants for a stream now, by engine name.</summary>
    private async Task<Dictionary<string, IReadOnlyList<string>>> WantedAsync(StreamAddress address)
    {
        var settings = await _vhosts.GetAsync(address.Vhost).ConfigureAwait(false);
        var wanted = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (settings is { Enabled: true, Transcode: { } transcode } && TranscodeCommand.Applies(transcode, address.App, address.Stream))
        {
            foreach (var engine in transcode.Engines)
            {
                wanted[engine.Name] = TranscodeCommand.Argv(transcode, engine, address, _endpoints.RtmpPort);
            }
        }
        return wanted;
    }

    /// <summary>One live publish and its running engines; disposing it (the publisher left) ends them.</summary>
    private sealed class Source(TranscodeExtension owner, StreamAddress address) : IAsyncDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly Dictionary<string, SupervisedProcess> _running = new(StringComparer.Ordinal);
        private bool _ended;

        public async Task ReconcileAsync()
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (_ended)
                {
                    return;
                }
                var wanted = await owner.WantedAsync(address).ConfigureAwait(false);
                foreach (var (name, process) in _running.ToList())
                {
                    if (!wanted.TryGetValue(name, out var argv) || !argv.SequenceEqual(process.Argv))
                    {
                        await StopAsync(name).ConfigureAwait(false);
                    }
                }
                foreach (var (name, argv) in wanted)
                {
                    if (!_running.ContainsKey(name))
                    {
                        var process = new SupervisedProcess(ProcessKinds.Transcode, name, address.Key, argv, owner._logger);
                        _running[name] = process;
                        owner._table.Add(process);
                        owner.LogStarting(name, address.Url, string.Join(' ', argv));
                        process.Start();
                    }
                }
            }
            catch (Exception ex)
            {
                owner.LogReconcileFailed(address.Url, ex.Message);
            }
            finally
            {
                _gate.Release();
            }
        }

        private async Task StopAsync(string name)
        {
            if (_running.Remove(name, out var process))
            {
                await process.DisposeAsync().ConfigureAwait(false);
                owner._table.Remove(process);
            }
        }

        public async ValueTask DisposeAsync()
        {
            owner._sources.TryRemove(this, out _);
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                _ended = true;
                await Task.WhenAll(_running.Keys.ToList().Select(StopAsync)).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Transcode engine {Engine} of {Url} starts: {Command}")]
    private partial void LogStarting(string engine, string url, string command);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transcode engines of {Url} not updated: {Error}")]
    private partial void LogReconcileFailed(string url, string error);
}
