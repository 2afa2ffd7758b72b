using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.GatewayEdge;

/// <summary>A standalone gateway re-reads its configuration (gateway.json, environment: the vhost names) on SIGHUP, as SRS does,
/// instead of ending. The silo process has its own handler, which also reloads the vhost settings.</summary>
public sealed class ConfigReloadOnSighup(IConfiguration configuration, ILogger<ConfigReloadOnSighup> logger) : IHostedService
{
    private PosixSignalRegistration? _sighup;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsWindows() && configuration is IConfigurationRoot root)
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                _ = Task.Run(() =>
                {
                    try
                    {
                        root.Reload();
                        logger.LogInformation("Configuration reloaded (SIGHUP)");
                    }
                    catch (Exception ex)
                    {
                        logger.LogError(ex, "Configuration reload (SIGHUP) failed");
                    }
                });
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
