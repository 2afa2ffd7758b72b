using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using OrleansLive.Media.Containers.Amf;
using Xunit.Abstractions;

namespace OrleansLive.IntegrationTests.Hostile;

/// <summary>
/// Hostile clients against the real server process while a real publish is played over RTMP and HTTP-FLV: half-open
/// connections by the ten thousand, slow-loris heads, players reading a byte a second, a publisher of random video at
/// 50 Mbit/s, a thousand publishers racing for one stream name. Each case must leave the watched players playing, be
/// counted in /metrics, cost a bounded number of log lines, and leave the managed heap and descriptors where they were.
/// </summary>
public sealed class HostileClientTests(HostileServer server, ITestOutputHelper output) : IClassFixture<HostileServer>
{
    private const int HalfOpen = 10_000;
    private const int SlowLoris = 300;
    private const int SlowReaders = 20;
    private const int Publishers = 1000;
    // What a case may leave on the managed heap after a full collection: allocator and runtime slack, not per-client state.
    private const long HeapSlack = 24L * 1024 * 1024;
    private const int DescriptorSlack = 30;
    // Per case: the first lines of each reason and their summaries, never a line per client.
    private const int LogLineBound = 30;
    private static readonly TimeSpan Deadline = ServerProcess.Deadline;

    [Fact]
    public async Task Ten_thousand_half_open_connections_per_port_are_closed_at_their_timeout_and_counted()
    {
        var watched = await server.WatchAsync();
        var baseline = await server.MeasureAsync();
        output.WriteLine($"baseline: {baseline}");
        foreach (var (port, protocol, reason) in new[] { (server.RtmpPort, "rtmp", "handshake_timeout"), (server.HttpPort, "http", "keep_alive_timeout") })
        {
            var drops = await server.DropsAsync(protocol, reason);
            var lines = server.LogLines.Length;
            var clock = Stopwatch.StartNew();
            var sockets = await OpenAsync(port, HalfOpen);
            try
            {
                var held = await server.MeasureAsync();
                var open = held.Descriptors - baseline.Descriptors;
                output.WriteLine($"{protocol}: {HalfOpen} connected in {clock.Elapsed.TotalSeconds:F1} s; {open} held by the server: {held}; " +
                    $"{(held.HeapBytes - baseline.HeapBytes) / (double)Math.Max(1, open):F0} heap bytes and {(held.ResidentBytes - baseline.ResidentBytes) / (double)Math.Max(1, open):F0} RSS bytes each");
                await watched.AssertPlayingAsync($"with {protocol} connections held half-open");
                await Wait.UntilAsync(async () => await server.DropsAsync(protocol, reason) >= drops + HalfOpen, Deadline, $"{HalfOpen} {protocol} drops ({reason}) counted");
                output.WriteLine($"{protocol}: all closed by the server {clock.Elapsed.TotalSeconds:F1} s after the first connect");
            }
            finally
            {
                foreach (var socket in sockets)
                {
                    socket.Dispose();
                }
            }
            await AssertLogBoundedAsync(lines, $"{protocol} connections dropped ({reason})");
        }
        await watched.AssertPlayingAsync("after the floods");
        await AssertMemoryBackAsync(baseline);
    }

    [Fact]
    public async Task Slow_loris_heads_and_handshakes_are_closed_at_the_timeout_and_counted()
    {
        var watched = await server.WatchAsync();
        var baseline = await server.MeasureAsync();
        var (httpDrops, rtmpDrops) = (await server.DropsAsync("http", "request_headers_timeout"), await server.DropsAsync("rtmp", "handshake_timeout"));
        var lines = server.LogLines.Length;
        var clock = Stopwatch.StartNew();
        var head = Encoding.ASCII.GetBytes($"GET /live/{server.WatchedStream}.flv HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
        var c0c1 = RtmpHandshake.CreateClientC0C1(complex: false);
        var http = Enumerable.Range(0, SlowLoris).Select(_ => TrickleAsync(server.HttpPort, head, (byte)'a'));
        var rtmp = Enumerable.Range(0, SlowLoris).Select(_ => TrickleAsync(server.RtmpPort, c0c1[..1], c0c1[1]));
        var all = Task.WhenAll(http.Concat(rtmp));
        await watched.AssertPlayingAsync("during the slow-loris clients");
        var closedAfter = await all.WaitAsync(Deadline);
        output.WriteLine($"{2 * SlowLoris} slow-loris clients closed by the server after {closedAfter.Min():F1}-{closedAfter.Max():F1} s " +
            $"(header timeout {HostileServer.HeaderTimeoutSeconds} s, handshake timeout {HostileServer.HandshakeTimeoutSeconds} s); all done in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.All(closedAfter, s => Assert.InRange(s, 1, Math.Max(HostileServer.HeaderTimeoutSeconds, HostileServer.HandshakeTimeoutSeconds) + 4));
        await Wait.UntilAsync(async () => await server.DropsAsync("http", "request_headers_timeout") >= httpDrops + SlowLoris
            && await server.DropsAsync("rtmp", "handshake_timeout") >= rtmpDrops + SlowLoris, Deadline, "the slow-loris drops counted");
        await AssertLogBoundedAsync(lines, "http connections dropped (request_headers_timeout)");
        await watched.AssertPlayingAsync("after the slow-loris clients");
        await AssertMemoryBackAsync(baseline);
    }

    [Fact]
    public async Task Players_reading_a_byte_a_second_are_dropped_and_counted()
    {
        var watched = await server.WatchAsync();
        var baseline = await server.MeasureAsync();
        var before = await SlowPlayerDropsAsync();
        var lines = server.LogLines.Length;
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var readers = Enumerable.Range(0, SlowReaders).Select(_ => SlowRtmpPlayerAsync(stop.Token))
            .Concat(Enumerable.Range(0, SlowReaders).Select(_ => SlowFlvPlayerAsync(stop.Token))).ToList();
        try
        {
            await watched.AssertPlayingAsync("beside the slow players");
            await Wait.UntilAsync(async () =>
            {
                // A reader that could not even start its play says why, rather than a count that never comes.
                if (readers.FirstOrDefault(r => r.IsFaulted) is { } failed)
                {
                    await failed;
                }
                var (rtmp, flv) = await SlowPlayerDropsAsync();
                return rtmp >= before.Rtmp + SlowReaders && flv >= before.Flv + SlowReaders;
            }, Deadline, $"{SlowReaders} RTMP and {SlowReaders} HTTP-FLV slow players dropped");
            output.WriteLine($"{2 * SlowReaders} slow players dropped within {clock.Elapsed.TotalSeconds:F1} s (send timeout {HostileServer.SendTimeoutSeconds} s)");
            // Only the watched publish and its two players are left.
            await Wait.UntilAsync(async () => (await server.FindClientsAsync(server.WatchedStream)).Count == 3, Deadline, "the slow players gone from the API");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(readers);
        }
        await AssertLogBoundedAsync(lines, "rtmp connections dropped (send_timeout)");
        await watched.AssertPlayingAsync("after the slow players");
        await AssertMemoryBackAsync(baseline);
    }

    [Fact]
    public async Task A_publisher_of_random_video_at_50_mbit_is_taken_and_fanned_out_without_growing_memory()
    {
        const int MessageBytes = 62_500;
        const int MessagesPerSecond = 100;
        const double Seconds = 4;
        var watched = await server.WatchAsync();
        var baseline = await server.MeasureAsync();
        var received = (await server.ScrapeAsync()).Sum("live_gateway_receive_bytes_total", ("protocol", "rtmp")) ?? 0;
        var lines = server.LogLines.Length;
        var stream = "junk" + Ids.Random(5);
        long peak;
        await using (var publisher = await RawRtmpClient.ConnectAsync(server.RtmpPort))
        {
            await PublishAsync(publisher, stream);
            Assert.Equal("NetStream.Publish.Start", await StatusCodeAsync(publisher));
            await publisher.SetChunkSizeAsync(60_000);
            using var drain = new CancellationTokenSource();
            var reader = DrainAsync(server.Flv("live", stream), drain.Token);
            var random = new Random(50);
            var payload = new byte[MessageBytes];
            var clock = Stopwatch.StartNew();
            var sent = 0;
            while (clock.Elapsed.TotalSeconds < Seconds)
            {
                if (sent >= clock.Elapsed.TotalSeconds * MessagesPerSecond)
                {
                    // Pacing to the target rate, not waiting for a condition.
                    await Task.Delay(5);
                    continue;
                }
                random.NextBytes(payload);
                await publisher.SendMessageAsync(6, RtmpMessageType.Video, 1, payload);
                sent++;
            }
            var mbits = sent * MessageBytes * 8 / clock.Elapsed.TotalSeconds / 1e6;
            peak = server.ResidentBytes();
            await drain.CancelAsync();
            var fannedOut = await reader;
            output.WriteLine($"{sent} random video messages of {MessageBytes} bytes in {clock.Elapsed.TotalSeconds:F1} s ({mbits:F1} Mbit/s); " +
                $"an HTTP-FLV reader of the stream got {fannedOut / 1048576.0:F1} MB; RSS {peak / 1048576.0:F0} MB at the end");
            Assert.InRange(mbits, 45, 60);
            Assert.True(fannedOut > 10L * 1024 * 1024, $"the stream's own player got only {fannedOut} bytes");
        }
        await Wait.UntilAsync(async () => (await server.ScrapeAsync()).Sum("live_gateway_receive_bytes_total", ("protocol", "rtmp")) >= received + 20e6,
            Deadline, "the random video counted in live_gateway_receive_bytes_total");
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is not { } s || !s.GetProperty("publish").GetProperty("active").GetBoolean(),
            Deadline, "the random stream unpublished");
        await AssertLogBoundedAsync(lines, null);
        await watched.AssertPlayingAsync("after the random publisher");
        await AssertMemoryBackAsync(baseline);
    }

    [Fact]
    public async Task A_thousand_publishers_of_one_stream_name_get_one_lease_and_the_rest_are_refused_and_counted()
    {
        var watched = await server.WatchAsync();
        var baseline = await server.MeasureAsync();
        var stream = "race" + Ids.Random(5);
        var refusals = (await server.ScrapeAsync()).Sum("live_gateway_refusals_total", ("action", "publish"), ("reason", "busy")) ?? 0;
        var drops = await server.DropsAsync("rtmp", "refused");
        var lines = server.LogLines.Length;
        var clock = Stopwatch.StartNew();
        var clients = new RawRtmpClient[Publishers];
        try
        {
            var outcomes = await Task.WhenAll(Enumerable.Range(0, Publishers).Select(async i =>
            {
                clients[i] = await RawRtmpClient.ConnectAsync(server.RtmpPort);
                await PublishAsync(clients[i], stream);
                return await StatusCodeAsync(clients[i]);
            }));
            output.WriteLine($"{Publishers} publishes of one name answered in {clock.Elapsed.TotalSeconds:F1} s: " +
                string.Join(", ", outcomes.GroupBy(o => o).Select(g => $"{g.Count()} {g.Key}")));
            Assert.Single(outcomes, o => o == "NetStream.Publish.Start");
            Assert.Equal(Publishers - 1, outcomes.Count(o => o == "NetStream.Publish.BadName"));
            await Wait.UntilAsync(async () => (await server.ScrapeAsync()).Sum("live_gateway_refusals_total", ("action", "publish"), ("reason", "busy")) >= refusals + Publishers - 1
                && await server.DropsAsync("rtmp", "refused") >= drops + Publishers - 1, Deadline, "the refusals counted");
            await watched.AssertPlayingAsync("after the publish race");
        }
        finally
        {
            foreach (var client in clients.Where(c => c is not null))
            {
                await client.DisposeAsync();
            }
        }
        await AssertLogBoundedAsync(lines, $"publish requests of /live/{stream} refused (busy)");
        await Wait.UntilAsync(async () => (await server.FindClientsAsync(stream)).Count == 0, Deadline, "the publishers gone");
        await AssertMemoryBackAsync(baseline);
    }

    /// <summary>Connections that send nothing, opened 500 at a time.</summary>
    private static async Task<List<Socket>> OpenAsync(int port, int count)
    {
        var sockets = new List<Socket>(count);
        for (var first = 0; first < count; first += 500)
        {
            var batch = Enumerable.Range(0, Math.Min(500, count - first)).Select(async _ =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, port);
                return socket;
            });
            sockets.AddRange(await Task.WhenAll(batch));
        }
        return sockets;
    }

    /// <summary>Sends a start, then one more byte every half second until the server closes; the seconds that took.</summary>
    private static async Task<double> TrickleAsync(int port, byte[] start, byte next)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var clock = Stopwatch.StartNew();
        await socket.SendAsync(start);
        var closed = WaitClosedAsync(socket);
        while (!closed.IsCompleted && clock.Elapsed < Deadline)
        {
            try
            {
                await socket.SendAsync(new[] { next });
            }
            catch (SocketException)
            {
                break;
            }
            // The trickle itself, not a wait for a condition.
            await Task.WhenAny(closed, Task.Delay(500));
        }
        await closed.WaitAsync(Deadline);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Reads (and discards) until the peer closes or resets.</summary>
    private static async Task WaitClosedAsync(Socket socket)
    {
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // Reset: closed too.
        }
    }

    /// <summary>An RTMP player of the watched stream with a small receive buffer that reads one byte a second.</summary>
    private async Task SlowRtmpPlayerAsync(CancellationToken stop)
    {
        await using var client = await RawRtmpClient.ConnectAsync(server.RtmpPort, receiveBufferSize: 4096);
        await client.HandshakeAsync();
        await client.ConnectAppAsync(server.RtmpPort);
        await client.ReadCommandAsync("_result", Deadline);
        await client.SendCommandAsync("createStream", 2, null);
        await client.ReadCommandAsync("_result", Deadline);
        await client.SendCommandAsync("play", 0, null, server.WatchedStream);
        var one = new byte[1];
        while (!stop.IsCancellationRequested && await client.ReadRawAsync(one, CancellationToken.None) > 0)
        {
            // A byte a second: the reader under test, not a wait for a condition.
            await PauseAsync(1000, stop);
        }
    }

    /// <summary>An HTTP-FLV player of the watched stream with a small receive buffer that reads one byte a second.</summary>
    private async Task SlowFlvPlayerAsync(CancellationToken stop)
    {
        using var tcp = new TcpClient { ReceiveBufferSize = 4096 };
        await tcp.ConnectAsync(IPAddress.Loopback, server.HttpPort);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /live/{server.WatchedStream}.flv HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), stop);
        var one = new byte[1];
        try
        {
            while (!stop.IsCancellationRequested && await stream.ReadAsync(one, CancellationToken.None) > 0)
            {
                await PauseAsync(1000, stop);
            }
        }
        catch (IOException)
        {
            // Reset by the server: dropped.
        }
    }

    private static async Task PauseAsync(int milliseconds, CancellationToken stop)
    {
        try
        {
            await Task.Delay(milliseconds, stop);
        }
        catch (OperationCanceledException)
        {
            // The test is done with this reader.
        }
    }

    private async Task<(double Rtmp, double Flv)> SlowPlayerDropsAsync()
    {
        var metrics = await server.ScrapeAsync();
        double Sum(string protocol) => (metrics.Sum("live_gateway_connection_drops_total", ("protocol", protocol), ("reason", "send_timeout")) ?? 0)
            + (metrics.Sum("live_gateway_connection_drops_total", ("protocol", protocol), ("reason", "too_slow")) ?? 0);
        return (Sum("rtmp"), Sum("http-flv"));
    }

    private async Task PublishAsync(RawRtmpClient client, string stream)
    {
        await client.HandshakeAsync();
        await client.ConnectAppAsync(server.RtmpPort);
        await client.ReadCommandAsync("_result", Deadline);
        await client.SendCommandAsync("createStream", 2, null);
        await client.ReadCommandAsync("_result", Deadline);
        await client.SendCommandAsync("publish", 3, null, stream, "live");
    }

    /// <summary>The code of the next onStatus the server sends.</summary>
    private static async Task<string> StatusCodeAsync(RawRtmpClient client)
    {
        var status = await client.ReadCommandAsync("onStatus", Deadline);
        return Assert.IsType<AmfObject>(status.Arguments[^1]).GetString("code") ?? "";
    }

    /// <summary>Reads an HTTP stream as fast as it comes until cancelled; the bytes read.</summary>
    private static async Task<long> DrainAsync(string url, CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var total = 0L;
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, stop);
            await using var body = await response.Content.ReadAsStreamAsync(stop);
            var buffer = new byte[256 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer, stop)) > 0)
            {
                total += read;
            }
        }
        catch (OperationCanceledException)
        {
            // The test has seen enough.
        }
        return total;
    }

    /// <summary>The case wrote a bounded number of warnings, and (when named) the summary of its reason. (Admitted players
    /// and publishers each have their access lines, as any client.)</summary>
    private async Task AssertLogBoundedAsync(int from, string? summary)
    {
        if (summary is not null)
        {
            await Wait.UntilAsync(() => server.LogLines.Skip(from).Any(l => l.Contains(summary, StringComparison.Ordinal)), Deadline, $"the summary line '{summary}'");
        }
        var lines = server.LogLines.Skip(from).ToList();
        var warnings = lines.Where(l => l.Contains(" warn: ", StringComparison.Ordinal) || l.Contains(" fail: ", StringComparison.Ordinal)).ToList();
        output.WriteLine($"{lines.Count} log lines during the case, {warnings.Count} of them warnings:\n{string.Join('\n', warnings.Take(40))}");
        Assert.True(warnings.Count <= LogLineBound, $"{warnings.Count} warnings:\n{string.Join('\n', warnings)}");
    }

    /// <summary>Once the case's clients are gone, the managed heap after a full collection and the open descriptors are
    /// back where they were (RSS is reported: the runtime keeps memory it committed).</summary>
    private async Task AssertMemoryBackAsync(ServerMemory baseline)
    {
        ServerMemory? after = null;
        await Wait.UntilAsync(async () =>
        {
            after = await server.MeasureAsync();
            return after.HeapBytes <= baseline.HeapBytes + HeapSlack && after.Descriptors <= baseline.Descriptors + DescriptorSlack;
        }, Deadline, $"heap within {HeapSlack / 1048576} MB and descriptors within {DescriptorSlack} of the baseline ({baseline}); last {after}");
        output.WriteLine($"after: {after} (baseline {baseline})");
    }
}
