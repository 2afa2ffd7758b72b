using System.Globalization;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Processes;

/// <summary>
/// Exec (SRS 3.0 `exec { publish ...; }`, nginx-rtmp's exec_publish / exec_publish_done): beside each
/// publish on this gateway, runs the vhost's publish commands with the stream's variables under the
/// supervisor, and ends them (SIGTERM, then kill) when the publisher leaves.
/// </summary>
public sealed class ExecExtension(VhostSettingsCache vhosts, GatewayEndpoints endpoints, ProcessTable table, ILoggerFactory loggers) : IPublishExtension
{
    public async ValueTask<IAsyncDisposable?> StartAsync(PublishContext context, CancellationToken cancellationToken)
    {
        var settings = await vhosts.GetAsync(context.Address.Vhost).ConfigureAwait(false);
        if (settings.Exec is not { Enabled: true, Publish.Count: > 0 } exec)
        {
            return null;
        }
        var variables = Variables(context, endpoints.RtmpPort);
        var logger = loggers.CreateLogger("OrleansLive.GatewayEdge.Processes.Exec");
        var processes = new List<SupervisedProcess>();
        for (var i = 0; i < exec.Publish.Count; i++)
        {
            var argv = CommandLine.Build(exec.Publish[i], variables);
            if (argv.Count == 0)
            {
                continue;
            }
            var process = new SupervisedProcess(ProcessKinds.Exec, "publish-" + i.ToString(CultureInfo.InvariantCulture), context.Address.Key, argv, logger);
            table.Add(process);
            process.Start();
            processes.Add(process);
        }
        return new Handle(processes, table);
    }

    /// <summary>The variables SRS's exec replaces ([vhost] [port] [app] [stream] [tcUrl] [param] [url]), and [ip].</summary>
    public static Dictionary<string, string> Variables(PublishContext context, int rtmpPort)
    {
        var address = context.Address;
        var port = rtmpPort.ToString(CultureInfo.InvariantCulture);
        var url = $"rtmp://127.0.0.1:{port}/{address.App}/{address.Stream}" + (address.Vhost == StreamKey.DefaultVhost ? "" : "?vhost=" + address.Vhost);
        return new(StringComparer.Ordinal)
        {
            ["vhost"] = address.Vhost,
            ["port"] = port,
            ["app"] = address.App,
            ["stream"] = address.Stream,
            ["tcUrl"] = context.TcUrl,
            ["swfUrl"] = "",
            ["pageUrl"] = "",
            ["param"] = address.Param,
            ["url"] = url,
            ["ip"] = context.Ip,
        };
    }

    private sealed class Handle(List<SupervisedProcess> processes, ProcessTable table) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Task.WhenAll(processes.Select(async p =>
            {
                await p.DisposeAsync().ConfigureAwait(false);
                table.Remove(p);
            })).ConfigureAwait(false);
        }
    }
}
