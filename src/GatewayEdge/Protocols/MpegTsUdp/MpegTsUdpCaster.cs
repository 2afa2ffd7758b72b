using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Protocols.MpegTsUdp;

/// <summary>
/// SRS's <c>stream_caster mpegts_over_udp</c>: MPEG-TS datagrams arriving on a UDP port publish the
/// configured stream through the same demuxer as SRT. The publish starts with the first datagram and
/// ends after the idle timeout; it goes through the session service like any other publisher (lease,
/// hooks, extensions, an API record of type <c>mpegts-publish</c>).
/// </summary>
public sealed class MpegTsUdpCaster : BackgroundService
{
    private readonly GatewayContext _gateway;
    private readonly ILogger<MpegTsUdpCaster> _logger;
    private readonly List<(StreamCasterSettings Settings, Socket Socket)> _casters = [];

    public MpegTsUdpCaster(GatewayContext gateway, ILogger<MpegTsUdpCaster> logger)
    {
        _gateway = gateway;
        _logger = logger;
    }

    /// <summary>The UDP ports the casters bound, in configuration order.</summary>
    public IReadOnlyList<int> Ports => [.. _casters.Select(c => ((IPEndPoint)c.Socket.LocalEndPoint!).Port)];

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var settings in _gateway.Options.StreamCasters.Where(c => c.Enabled))
        {
            if (settings.Caster != StreamCasterSettings.MpegTsOverUdp)
            {
                _logger.LogWarning("Stream caster '{Caster}' is not supported; only {Supported}", settings.Caster, StreamCasterSettings.MpegTsOverUdp);
                continue;
            }
            var address = IPAddress.Parse(_gateway.Options.ListenAddress);
            var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 * 1024 * 1024 };
            socket.Bind(new IPEndPoint(address, settings.Listen));
            _casters.Add((settings, socket));
            _logger.LogInformation("MPEG-TS over UDP on {Address}:{Port} publishes {Output}", address, ((IPEndPoint)socket.LocalEndPoint!).Port, settings.Output);
        }
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_casters.Select(c => RunAsync(c.Settings, c.Socket, stoppingToken)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var (_, socket) in _casters)
        {
            socket.Dispose();
        }
    }

    private async Task RunAsync(StreamCasterSettings settings, Socket socket, CancellationToken stop)
    {
        var url = RtmpUrl.Parse(settings.Output);
        var address = StreamAddress.Resolve(url.Host, url.App, url.Stream, _gateway.KnownVhosts);
        var buffer = new byte[64 * 1024];
        while (!stop.IsCancellationRequested)
        {
            // Wait for the first datagram of a publish.
            SocketReceiveFromResult first;
            try
            {
                first = await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), stop);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            await PublishAsync(settings, socket, address, buffer, first, stop);
        }
    }

    private async Task PublishAsync(StreamCasterSettings settings, Socket socket, StreamAddress address, byte[] buffer, SocketReceiveFromResult first, CancellationToken stop)
    {
        var source = (IPEndPoint)first.RemoteEndPoint;
        var connection = new UdpPublisher();
        using var scope = _logger.BeginScope(LogScopes.Client, connection.ClientId);
        var sessions = _gateway.Sessions;
        var client = sessions.Begin(connection, "mpegts-udp", "MPEG-TS/UDP", source.Address.ToString(), recordNow: false);
        client.TcUrl = $"udp://{source}/{address.App}";
        try
        {
            var result = await sessions.PublishAsync(client, address, "mpegts-publish", stop);
            if (result.Value is not { } publish)
            {
                // The datagrams keep coming; try again once they have stopped for the idle timeout.
                await DrainUntilIdleAsync(socket, buffer, settings.IdleTimeoutMs, connection, stop, _ => { });
                return;
            }
            await using (publish)
            {
                var ingest = new TsIngest(publish.Publish);
                connection.Received(first.ReceivedBytes);
                ingest.Push(buffer.AsSpan(0, first.ReceivedBytes));
                await DrainUntilIdleAsync(socket, buffer, settings.IdleTimeoutMs, connection, stop, ingest.Push);
                ingest.Flush();
                _logger.LogInformation("MPEG-TS over UDP publish {Url} ended after {Frames} frames ({Continuity} continuity errors)",
                    address.Url, ingest.Frames, ingest.Counters.ContinuityErrors);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            sessions.End(client);
        }
    }

    private delegate void DatagramHandler(ReadOnlySpan<byte> datagram);

    /// <summary>Feeds datagrams until none came for the idle timeout or the publisher was kicked.</summary>
    private static async Task DrainUntilIdleAsync(Socket socket, byte[] buffer, int idleMs, UdpPublisher connection, CancellationToken stop, DatagramHandler handle)
    {
        while (true)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop, connection.Kicked);
            idle.CancelAfter(idleMs);
            int received;
            try
            {
                received = (await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), idle.Token)).ReceivedBytes;
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested)
            {
                return;
            }
            connection.Received(received);
            handle(buffer.AsSpan(0, received));
        }
    }

    /// <summary>The caster's publisher as the connection registry sees it; a kick ends the publish.</summary>
    private sealed class UdpPublisher : IClientConnection
    {
        private readonly CancellationTokenSource _kicked = new();
        private long _received;

        public string ClientId { get; } = Ids.NewClientId();

        public long SentBytes => 0;

        public long RecvBytes => Interlocked.Read(ref _received);

        public CancellationToken Kicked => _kicked.Token;

        public void Received(int bytes) => Interlocked.Add(ref _received, bytes);

        public void Kick() => _kicked.Cancel();
    }
}
