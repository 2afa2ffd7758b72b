using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;
using Xunit.Abstractions;

namespace OrleansLive.IntegrationTests.Srt;

/// <summary>The server with a short SRT peer idle timeout, in its own process so its memory can be read.</summary>
public sealed class SrtHostileServer : ServerProcess
{
    public const int PeerIdleTimeoutMs = 3000;

    protected override IEnumerable<string> Settings() => [$"--Gateway:Srt:PeerIdleTimeout={PeerIdleTimeoutMs}"];
}

/// <summary>Callers that never finish a handshake, garbage, publishers that send no MPEG-TS tables and
/// publishers that fall silent, against the real server while a real publish is played.</summary>
public sealed class SrtHostileCallerTests(SrtHostileServer server, ITestOutputHelper output) : IClassFixture<SrtHostileServer>
{
    private const int Handshakes = 2000;
    // What the flood may leave behind once it is over: allocator and GC slack, not per-caller state.
    private const long ResidentBound = 40L * 1024 * 1024;
    // A refusal per caller would be thousands of lines; the refusals are summarised instead.
    private const int LogLineBound = 60;
    private static readonly TimeSpan Deadline = ServerProcess.Deadline;

    private IPEndPoint Target => new(IPAddress.Loopback, server.SrtPort);

    [Fact]
    public async Task Half_open_handshakes_and_garbage_leave_memory_and_the_log_bounded_and_a_live_publish_playing()
    {
        var stream = "flood" + Ids.Random(5);
        await using var publisher = SrtGatewayTests.PublishTs(server.Srt("live", stream, publish: true));
        await WaitPublishedAsync(stream, publisher);
        await using var srtPlayer = Ffmpeg.Play(server.Srt("live", stream, publish: false));
        await using var flvPlayer = Ffmpeg.Play(server.Flv("live", stream));
        await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(srtPlayer.StdErr) >= 25 && Ffmpeg.FramesDecoded(flvPlayer.StdErr) >= 25, Deadline, "both players decoding");

        // A first, smaller round warms the code paths up, so the baseline is the server's settled size.
        var warmUpLines = server.LogLines.Length;
        await FloodAsync(Handshakes / 10, seed: 1);
        await Wait.UntilAsync(() => server.LogLines.Skip(warmUpLines).Any(l => l.Contains("more SRT callers refused", StringComparison.Ordinal)), Deadline, "the warm-up's refusal summary");
        var baseline = server.ResidentBytes();
        var logLines = server.LogLines.Length;
        var (srtFrames, flvFrames) = (Ffmpeg.FramesDecoded(srtPlayer.StdErr), Ffmpeg.FramesDecoded(flvPlayer.StdErr));

        var clock = Stopwatch.StartNew();
        await FloodAsync(Handshakes, seed: 2);
        await GarbageAsync(Handshakes, seed: 3);
        var peak = server.ResidentBytes();
        output.WriteLine($"{Handshakes} handshakes and {Handshakes} garbage datagrams in {clock.Elapsed.TotalSeconds:F1} s; RSS {baseline / 1048576} MB before, {peak / 1048576} MB after");

        // The players kept receiving through the flood and after it.
        await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(srtPlayer.StdErr) >= srtFrames + 100 && Ffmpeg.FramesDecoded(flvPlayer.StdErr) >= flvFrames + 100,
            Deadline, "players still decoding after the flood");
        // libsrt forgets a refused or never-concluded caller within its connection timeout; memory follows.
        await Wait.UntilAsync(() => server.ResidentBytes() <= baseline + ResidentBound, Deadline,
            $"RSS back within {ResidentBound / 1048576} MB of {baseline / 1048576} MB");
        output.WriteLine($"RSS {server.ResidentBytes() / 1048576} MB {clock.Elapsed.TotalSeconds:F1} s after the flood began");

        Assert.False(publisher.HasExited, publisher.StdErr);
        Assert.False(srtPlayer.HasExited, srtPlayer.StdErr);
        Assert.False(flvPlayer.HasExited, flvPlayer.StdErr);
        // Only the publish and its two players are listed: no flooding caller became a client.
        var clients = await server.GetJsonAsync("api/v1/clients?count=1000");
        Assert.Equal(3, clients.GetProperty("clients").GetArrayLength());
        Assert.All(clients.GetProperty("clients").EnumerateArray(), c => Assert.Equal(stream, c.GetProperty("name").GetString()));

        // Wait for the refusal summary, then count what the flood wrote to the log.
        await Wait.UntilAsync(() => server.LogLines.Skip(logLines).Any(l => l.Contains("more SRT callers refused", StringComparison.Ordinal)), Deadline, "the refusal summary");
        var floodLines = server.LogLines.Skip(logLines).ToList();
        output.WriteLine($"{floodLines.Count} log lines during the flood:\n{string.Join('\n', floodLines.Take(10))}");
        Assert.True(floodLines.Count <= LogLineBound, string.Join('\n', floodLines));
    }

    [Fact]
    public async Task A_publisher_without_pat_or_pmt_is_logged_and_breaks_nothing()
    {
        var good = "good" + Ids.Random(5);
        var junk = "junk" + Ids.Random(5);
        await using var publisher = SrtGatewayTests.PublishTs(server.Srt("live", good, publish: true));
        await WaitPublishedAsync(good, publisher);
        await using var player = Ffmpeg.Play(server.Flv("live", good));
        await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(player.StdErr) >= 25, Deadline, "the player decoding");

        // srt-live-transmit relays what this test sends to its UDP port over SRT, as an encoder would.
        var relayPort = TestServers.FreeUdpPort();
        await using (var relay = ExternalProcess.Start("srt-live-transmit", "-a:no", "-loglevel:error",
            $"udp://127.0.0.1:{relayPort.ToString(CultureInfo.InvariantCulture)}", server.Srt("live", junk, publish: true)))
        {
            using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var random = new Random(4);
            var datagram = new byte[7 * SrtTs.PacketSize];
            var relayEndPoint = new IPEndPoint(IPAddress.Loopback, relayPort);
            var clock = Stopwatch.StartNew();
            while (!server.Logged($"SRT publish /live/{junk} carries no playable media"))
            {
                Assert.True(clock.Elapsed < Deadline, "no log line about the publisher without PAT/PMT: " + relay.StdErr);
                Assert.False(relay.HasExited, relay.StdErr);
                random.NextBytes(datagram);
                for (var offset = 0; offset < datagram.Length; offset += SrtTs.PacketSize)
                {
                    datagram[offset] = 0x47;
                    // Never PID 0 (the PAT) or 0x1FFF (null packets): just packets of unknown streams.
                    BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(offset + 1), (ushort)random.Next(0x20, 0x1FFF));
                }
                await sender.SendAsync(datagram, relayEndPoint);
                // Pacing, not waiting for a condition: about 2 Mbit/s, like a live encoder.
                await Task.Delay(5);
            }
        }
        await Wait.UntilAsync(() => server.Logged($"SRT publish /live/{junk} carried no playable media"), Deadline, "the end of the junk publish logged");
        await Wait.UntilAsync(async () => (await server.FindClientsAsync(junk)).Count == 0, Deadline, "the junk publisher gone from the API");

        // The other stream went on and new callers are still served.
        var frames = Ffmpeg.FramesDecoded(player.StdErr);
        await Wait.UntilAsync(() => Ffmpeg.FramesDecoded(player.StdErr) >= frames + 50, Deadline, "the good stream still playing");
        SrtGatewayTests.AssertH264AndAac(await Ffmpeg.ProbeStreamsAsync(server.Srt("live", good, publish: false), Deadline));
        Assert.False(publisher.HasExited, publisher.StdErr);
    }

    [Fact]
    public async Task A_publisher_that_stops_sending_is_closed_after_the_peer_idle_timeout()
    {
        var stream = "idle" + Ids.Random(5);
        await using var publisher = SrtGatewayTests.PublishTs(server.Srt("live", stream, publish: true));
        await WaitPublishedAsync(stream, publisher);

        // SIGSTOP freezes ffmpeg and its libsrt: no data, no keepalives, and no shutdown message.
        await SignalAsync(publisher, "STOP");
        var clock = Stopwatch.StartNew();
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is not { } s || !s.GetProperty("publish").GetProperty("active").GetBoolean(),
            Deadline, "the silent publisher closed and the stream unpublished");
        output.WriteLine($"unpublished {clock.Elapsed.TotalSeconds:F1} s after the publisher froze (peer idle timeout {SrtHostileServer.PeerIdleTimeoutMs} ms)");
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(SrtHostileServer.PeerIdleTimeoutMs - 1000), "closed before the idle timeout could have passed");
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(SrtHostileServer.PeerIdleTimeoutMs * 4), "the idle timeout did not close the publisher promptly");
        Assert.Empty(await server.FindClientsAsync(stream));
        Assert.Contains(server.LogLines, l => l.Contains($"streamid '#!::r=live/{stream},m=publish' closed (PeerClosedOrBroken", StringComparison.Ordinal));
        Assert.Contains(server.LogLines, l => l.Contains("SRT client closed (publish ended after", StringComparison.Ordinal));
    }

    private async Task WaitPublishedAsync(string stream, ExternalProcess publisher) =>
        await Wait.UntilAsync(async () =>
        {
            Assert.False(publisher.HasExited, publisher.StdErr);
            return await server.FindStreamAsync("live", stream) is { } s && s.GetProperty("video").ValueKind == System.Text.Json.JsonValueKind.Object;
        }, Deadline, $"{stream} published with codecs");

    private static async Task SignalAsync(ExternalProcess process, string signal)
    {
        await using var kill = ExternalProcess.Start("kill", $"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture));
        Assert.True(await kill.WaitForExitAsync(Deadline));
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Handshakes that never become connections, each from its own source port, 50 at a time:
    /// inductions left there, conclusions with made-up cookies, and conclusions with the listener's
    /// cookie but no streamid (refused in the listen callback).</summary>
    private async Task FloodAsync(int count, int seed)
    {
        var random = new Random(seed);
        for (var first = 0; first < count; first += 50)
        {
            var batch = Enumerable.Range(first, Math.Min(50, count - first)).Select(i => (Kind: i % 3, Id: random.Next(1, int.MaxValue), Cookie: (uint)random.Next()));
            await Task.WhenAll(batch.Select(async h =>
            {
                using var caller = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                switch (h.Kind)
                {
                    case 0:
                        await caller.SendAsync(RawSrtHandshake.InductionRequest(h.Id), Target, cancel.Token);
                        break;
                    case 1:
                        await caller.SendAsync(RawSrtHandshake.ConclusionRequest(h.Id, h.Cookie), Target, cancel.Token);
                        break;
                    default:
                        var cookie = await RawSrtHandshake.InductionAsync(caller, Target, h.Id, cancel.Token);
                        Assert.NotNull(cookie);
                        await caller.SendAsync(RawSrtHandshake.ConclusionRequest(h.Id, cookie.Value), Target, cancel.Token);
                        // The rejection answer: the listener refused the empty streamid.
                        await caller.ReceiveAsync(cancel.Token);
                        break;
                }
            }));
        }
    }

    /// <summary>Random datagrams: control and data packets with made-up socket ids, and runts.</summary>
    private async Task GarbageAsync(int count, int seed)
    {
        var random = new Random(seed);
        using var garbage = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        for (var i = 0; i < count; i++)
        {
            var datagram = new byte[random.Next(1, 1500)];
            random.NextBytes(datagram);
            await garbage.SendAsync(datagram, Target);
        }
    }
}
