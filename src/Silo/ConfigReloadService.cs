using System.Runtime.InteropServices;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Grains.Config;

namespace OrleansLive.Silo;

/// <summary>
/// Loads and validates the vhost configuration at startup (an invalid one stops the process, as
/// SRS refuses to start), and reloads it on SIGHUP like SRS. Edits of appsettings.json reload by
/// themselves, and the raw API's rpc=reload does the same on demand.
/// </summary>
internal sealed class ConfigReloadService(VhostConfigStore store, ILogger<ConfigReloadService> logger) : IHostedService
{
    private PosixSignalRegistration? _sighup;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Vhost configuration loaded: {Vhosts}", string.Join(", ", store.ConfiguredNames));
        if (!OperatingSystem.IsWindows())
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                // Handled: the default action of SIGHUP would end the process.
                context.Cancel = true;
                _ = Task.Run(() => store.ReloadSources("SIGHUP"));
            });
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _sighup?.Dispose();
        _sighup = null;
        return Task.CompletedTask;
    }
}
