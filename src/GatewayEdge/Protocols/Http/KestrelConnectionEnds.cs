using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Limits;

namespace OrleansLive.GatewayEdge.Protocols.Http;

/// <summary>
/// Connections Kestrel closed on the stream ports for a reason of its own (a request head sent too slowly, a connection
/// idle past the keep-alive timeout, a bad request line), read from Kestrel's metric kestrel.connection.duration and its
/// error.type: counted as drops of protocol "http" with Kestrel's reason, and logged within the drop budget.
/// </summary>
internal sealed class KestrelConnectionEnds : IDisposable
{
    private const string KestrelMeter = "Microsoft.AspNetCore.Server.Kestrel";
    private const string ConnectionDuration = "kestrel.connection.duration";

    private readonly ConnectionDrops _drops;
    private readonly ILogger _logger;
    private readonly MeterListener _listener = new();
    private volatile int[] _ports = [];

    public KestrelConnectionEnds(ConnectionDrops drops, ILogger logger)
    {
        _drops = drops;
        _logger = logger;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == KestrelMeter && instrument.Name == ConnectionDuration)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>(OnConnectionEnded);
        _listener.Start();
    }

    /// <summary>The ports whose connections count (the API's Kestrel in the same process reports too).</summary>
    public void Watch(IEnumerable<int> ports) => _ports = [.. ports];

    public void Dispose() => _listener.Dispose();

    private void OnConnectionEnded(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? error = null;
        var port = -1;
        foreach (var tag in tags)
        {
            if (tag.Key == "error.type")
            {
                error = tag.Value as string;
            }
            else if (tag.Key == "server.port" && tag.Value is not null)
            {
                port = Convert.ToInt32(tag.Value, CultureInfo.InvariantCulture);
            }
        }
        // A reset is the peer's doing; an abort or a cancelled write by the application is a drop the player code counted.
        if (error is null or "connection_reset" or "aborted_by_app" or "write_canceled" or "io_error" || Array.IndexOf(_ports, port) < 0)
        {
            return;
        }
        if (_drops.Drop("http", error))
        {
            _logger.LogWarning("HTTP connection on port {Port} closed after {Seconds:F1} s: {Reason}", port, seconds, error);
        }
    }
}
