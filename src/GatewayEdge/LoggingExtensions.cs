using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.GatewayEdge;

public static class LoggingExtensions
{
    /// <summary>One-line console logs with scopes, so each line shows the client id it concerns.</summary>
    public static ILoggingBuilder AddLiveConsole(this ILoggingBuilder logging)
    {
        logging.ClearProviders();
        // Trace and span ids add noise; the client id scope is what ties lines together.
        logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.None);
        logging.AddSimpleConsole(o =>
        {
            o.IncludeScopes = true;
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
            o.UseUtcTimestamp = false;
        });
        return logging;
    }
}
