using System.Runtime.InteropServices;
using Microsoft.Extensions.FileProviders;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Grains.Config;

namespace OrleansLive.Silo;

/// <summary>
/// Loads and validates the vhost configuration at startup (an invalid one stops the process, as
/// SRS refuses to start), and reloads it on SIGHUP like SRS. Edits of appsettings.json reload by
/// themselves, and the raw API's rpc=reload does the same on demand.
/// </summary>
internal sealed class ConfigReloadService(VhostConfigStore store, IConfiguration configuration, ILogger<ConfigReloadService> logger) : IHostedService
{
    private PosixSignalRegistration? _sighup;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Vhost configuration loaded: {Vhosts}", string.Join(", ", store.ConfiguredNames));
        foreach (var file in WatchedFiles())
        {
            logger.LogInformation("Settings file {File}: edits reload it", file);
        }
        if (!OperatingSystem.IsWindows())
        {
            _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                // Handled: the default action of SIGHUP would end the process.
                context.Cancel = true;
                _ = Task.Run(() => store.ReloadSourcesAsync("SIGHUP"));
            });
        }
        return Task.CompletedTask;
    }

    /// <summary>The JSON files that reload when edited, so a user knows which one to edit.</summary>
    private IEnumerable<string> WatchedFiles()
    {
        var providers = (configuration as IConfigurationRoot)?.Providers ?? [];
        foreach (var provider in providers.OfType<FileConfigurationProvider>())
        {
            if (provider.Source is { ReloadOnChange: true, FileProvider: PhysicalFileProvider disk, Path: { } path }
                && File.Exists(Path.Combine(disk.Root, path)))
            {
                yield return Path.Combine(disk.Root, path);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _sighup?.Dispose();
        _sighup = null;
        return Task.CompletedTask;
    }
}
