using System.Net;
using OrleansLive.GatewayEdge.Telemetry;

namespace OrleansLive.Silo.Metrics;

/// <summary>SRS's exporter port ("Exporter:Enabled", "Exporter:Listen", default 9972, SRS
/// `exporter { listen 9972; }`): 0 while it is off.</summary>
internal sealed record ExporterPort(int Port)
{
    public const int Default = 9972;

    public static ExporterPort From(IConfiguration config) =>
        new(config.GetValue("Exporter:Enabled", false) ? config.GetValue("Exporter:Listen", Default) : 0);
}

/// <summary>The silo's /metrics (the gateway's, hooks', Orleans' and runtime meters, the silo's grain
/// calls, plus SRS's exporter metrics), /healthz and /readyz on the API port, and /metrics alone on the exporter port.</summary>
internal static class SiloTelemetry
{
    public static WebApplicationBuilder AddSiloTelemetry(this WebApplicationBuilder builder)
    {
        var exporter = ExporterPort.From(builder.Configuration);
        builder.Services.AddSingleton(exporter);
        builder.Services.AddSingleton<SrsMetrics>();
        builder.Services.AddLiveTelemetry(SrsMetrics.MeterName, GrainCallMetrics.MeterName);
        if (exporter.Port > 0)
        {
            var address = IPAddress.Parse(builder.Configuration["Api:ListenAddress"] ?? "0.0.0.0");
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, exporter.Port));
        }
        return builder;
    }

    /// <summary>Maps the endpoints; the exporter port answers /metrics and nothing else, and every
    /// scrape first reads the cluster's figures from the grains.</summary>
    public static WebApplication MapSiloTelemetry(this WebApplication app)
    {
        var exporter = app.Services.GetRequiredService<ExporterPort>();
        app.Use(async (http, next) =>
        {
            var metrics = http.Request.Path == LiveTelemetry.MetricsPath;
            if (exporter.Port > 0 && http.Connection.LocalPort == exporter.Port && !metrics)
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            if (metrics)
            {
                try
                {
                    await http.RequestServices.GetRequiredService<SrsMetrics>().RefreshAsync();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The process's own metrics still answer; the cluster's keep their last values.
                    http.RequestServices.GetRequiredService<ILogger<SrsMetrics>>().LogWarning(ex, "Cluster figures for /metrics unavailable");
                }
            }
            await next(http);
        });
        app.MapLiveTelemetry();
        return app;
    }
}
