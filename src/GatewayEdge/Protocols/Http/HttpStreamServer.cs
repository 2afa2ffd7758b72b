using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Limits;
using OrleansLive.GatewayEdge.Protocols.WebRtc;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Tls;

namespace OrleansLive.GatewayEdge.Protocols.Http;

/// <summary>
/// The gateway's HTTP streaming listener (SRS `http_server`, port 8080): live FLV, MPEG-TS, AAC and
/// MP3 over chunked HTTP (SRS's http_remux), the HLS and DASH files on disk, and the streams' JPEG snapshots; the same over HTTPS on
/// <see cref="GatewayOptions.HttpsPort"/> (SRS `http_server.https`). A Kestrel server of its own, so
/// it runs the same in a silo process and in a standalone gateway.
/// </summary>
public sealed class HttpStreamServer : IHostedService, IAsyncDisposable
{
    private readonly GatewayContext _gateway;
    private readonly GatewayEndpoints _endpoints;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<HttpStreamServer> _logger;
    private readonly RtcSignalling _signalling;
    private readonly IEnumerable<IHttpPortRoutes> _routes;
    private readonly ServerCertificate _certificate;
    private WebApplication? _app;
    private KestrelConnectionEnds? _connectionEnds;
    private readonly DescriptorBudget _descriptors;

    public HttpStreamServer(GatewayContext gateway, GatewayEndpoints endpoints, RtcSignalling signalling, ServerCertificate certificate, IEnumerable<IHttpPortRoutes> routes,
        DescriptorBudget descriptors, ILoggerFactory loggers)
    {
        _descriptors = descriptors;
        _routes = routes;
        _certificate = certificate;
        _signalling = signalling;
        _gateway = gateway;
        _endpoints = endpoints;
        _loggers = loggers;
        _logger = loggers.CreateLogger<HttpStreamServer>();
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // A standalone gateway starts this before its Orleans client connects (its /readyz answers meanwhile).
        if (_app is not null)
        {
            return;
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_loggers);
        builder.Services.AddSingleton(_signalling);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(Math.Max(1, _gateway.Options.HttpKeepAliveTimeoutSeconds));
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(Math.Max(1, _gateway.Options.HttpRequestHeadersTimeoutSeconds));
            kestrel.Listen(IPAddress.Parse(_gateway.Options.ListenAddress), _gateway.Options.HttpPort, listen => listen.Use(WithinDescriptorBudget));
            if (_gateway.Options.HttpsPort >= 0)
            {
                kestrel.Listen(IPAddress.Parse(_gateway.Options.ListenAddress), _gateway.Options.HttpsPort,
                    listen =>
                    {
                        listen.Use(WithinDescriptorBudget);
                        listen.UseHttps(https =>
                        {
                            https.ServerCertificate = _certificate.Certificate;
                            https.ServerCertificateChain = _certificate.Chain;
                        });
                    });
            }
        });
        var app = builder.Build();
        var flv = new HttpFlvHandler(_gateway);
        app.Use(async (context, next) =>
        {
            // SRS `http_server.crossdomain on`: players on other origins (flv.js, hls.js) may fetch.
            if (!CrossDomain.Answer(context))
            {
                await next(context);
            }
        });
        var hls = new HlsFileServer(_gateway);
        var dash = new DashFileServer(_gateway);
        var snapshots = new SnapshotServer(_gateway);
        // WHIP/WHEP here as on the API port: one origin for a page that plays HTTP-FLV and WebRTC.
        app.MapRtcSignalling();
        foreach (var routes in _routes)
        {
            routes.Map(app);
        }
        app.MapGet("/{**path}", async (HttpContext context, string? path) =>
        {
            // Snapshots from memory, DASH and HLS files from disk; everything else is a live stream (.flv, .ts, .aac, .mp3).
            if (!await snapshots.TryServeAsync(context, path ?? "") && !await dash.TryServeAsync(context, path ?? "")
                && !await hls.TryServeAsync(context, path ?? ""))
            {
                await flv.HandleAsync(context, path ?? "");
            }
        });
        _connectionEnds = new KestrelConnectionEnds(_gateway.Drops, _logger);
        await app.StartAsync(cancellationToken);
        _app = app;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        _connectionEnds.Watch(addresses.Select(a => a.Port));
        if (addresses.FirstOrDefault(a => a.Scheme == Uri.UriSchemeHttps) is { } secure)
        {
            _endpoints.SetHttps(secure.Port);
            _logger.LogInformation("HTTPS streams listening on {Address}", secure.OriginalString);
        }
        var address = addresses.First(a => a.Scheme == Uri.UriSchemeHttp);
        _endpoints.SetHttp(address.Port);
        _logger.LogInformation("HTTP streams listening on {Address}", address.OriginalString);
        _logger.LogInformation("HLS and DVR files with relative paths go below {WorkDir} (Gateway:WorkDir)", _gateway.WorkDirectory.Path);
    }

    /// <summary>Closes a connection at once when the process holds as many as its descriptor limit leaves room for.</summary>
    private ConnectionDelegate WithinDescriptorBudget(ConnectionDelegate next) => async connection =>
    {
        if (!_descriptors.TryTake())
        {
            if (_gateway.Drops.Drop("http", ConnectionDrops.Descriptors))
            {
                _logger.LogWarning("HTTP connection closed at once: {Open} client connections open, the most the descriptor limit leaves room for", _descriptors.Capacity);
            }
            connection.Abort();
            return;
        }
        try
        {
            await next(connection);
        }
        finally
        {
            _descriptors.Release();
        }
    };

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        _connectionEnds?.Dispose();
    }
}
