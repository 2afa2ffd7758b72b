using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using OrleansLive.GatewayEdge.Protocols.WebRtc;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Stun;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests.Rtc;

/// <summary>
/// Hostile and broken WebRTC peers against the real server: garbage on the UDP port, forged and
/// misdirected STUN, a peer changing networks, DTLS floods, a wrong certificate, malformed offers,
/// forged SRTP, vanished peers and offers that never connect. Each ends only its own session (with a
/// log line saying why) while a healthy player, fed by an RTMP publisher, keeps receiving media.
/// </summary>
[Collection(RtcBadInputCollection.Name)]
public sealed partial class RtcBadInputTests(RtcBadInputFixture server) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private const string ServerCategory = "OrleansLive.GatewayEdge.Protocols.WebRtc.RtcServer";
    private readonly string _healthyStream = "healthy" + Ids.Random(6);
    private ExternalProcess? _publisher;
    private RawRtcPeer? _healthy;

    private RtcServer Rtc => server.Rtc;

    private RawRtcPeer Healthy => _healthy!;

    /// <summary>An RTMP publisher and a raw WHEP player of its stream, receiving SRTP before each test.</summary>
    public async Task InitializeAsync()
    {
        _publisher = Ffmpeg.Publish(server.RtmpUrl("live", _healthyStream));
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", _healthyStream) is not null, Timeout, "the RTMP publisher");
        _healthy = new RawRtcPeer(server.RtcPort);
        await Healthy.SignalOrFailAsync(server.Api, server.WhipUrl("live", _healthyStream, publish: false), publish: false);
        await Healthy.ConnectAsync(Timeout);
        await HealthyStreamsAsync();
    }

    public async Task DisposeAsync()
    {
        if (_healthy is not null)
        {
            await _healthy.DisposeAsync();
        }
        if (_publisher is not null)
        {
            await _publisher.DisposeAsync();
        }
    }

    /// <summary>The healthy player gets 50 more SRTP packets and its session is still there.</summary>
    private async Task HealthyStreamsAsync()
    {
        var before = Healthy.RtpPackets;
        await Wait.UntilAsync(() => Healthy.RtpPackets >= before + 50, Timeout, "SRTP packets at the healthy player");
        Assert.NotNull(Rtc.Sessions.ById(Healthy.SessionId!));
    }

    private string Whep(string stream) => server.WhipUrl("live", stream, publish: false);

    private static async Task<byte[]> ClientHelloAsync()
    {
        var first = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var transport = new QueuedDatagramTransport(d => first.TrySetResult(d.ToArray()));
        using var cancel = new CancellationTokenSource();
        var handshake = new DtlsHandshaker().ConnectAsync(transport, new DtlsSrtpClient(DtlsCertificate.Generate(), "sha-256 00"), cancel.Token);
        var hello = await first.Task.WaitAsync(Timeout);
        await cancel.CancelAsync();
        await handshake;
        Assert.Equal(22, hello[0]);
        return hello;
    }

    [Fact]
    public async Task Garbage_datagrams_of_every_first_byte_class_are_counted_as_stray_with_rate_limited_log_lines()
    {
        var random = new Random(7);
        byte[][] classes = [[0, 1, 2, 3], [.. Enumerable.Range(20, 44).Select(b => (byte)b)], [.. Enumerable.Range(128, 64).Select(b => (byte)b)],
            [4, 19, 64, 100, 127, 192, 255]];
        var strayBefore = Rtc.StrayDatagrams;
        var linesBefore = server.Logs.Lines.Count(l => l.Category == ServerCategory && l.Message.StartsWith("WebRTC: ", StringComparison.Ordinal));
        using var stranger = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, server.RtcPort);
        var sent = 0;
        for (var batch = 0; batch < 40; batch++)
        {
            for (var i = 0; i < 50; i++)
            {
                var datagram = new byte[random.Next(1, 300)];
                random.NextBytes(datagram);
                var kind = classes[(batch * 50 + i) % classes.Length];
                datagram[0] = kind[random.Next(kind.Length)];
                await stranger.SendAsync(datagram, target);
                sent++;
            }
            // Paced so the server's socket buffer never overflows: every datagram must be seen.
            await Wait.UntilAsync(() => Rtc.StrayDatagrams >= strayBefore + sent, Timeout, $"{sent} stray datagrams counted");
        }
        // Empty datagrams too, and a spoofed DTLS and SRTP datagram for the healthy session from a stranger.
        await stranger.SendAsync(Array.Empty<byte>(), target);
        await stranger.SendAsync(new byte[] { 0x16, 0xFE, 0xFD, 0, 0 }, target);
        await stranger.SendAsync(new byte[] { 0x80, 0x60, 0, 1, 0, 0, 0, 0, 0x11, 0x22, 0x33, 0x44, 0 }, target);
        sent += 3;
        await Wait.UntilAsync(() => Rtc.StrayDatagrams >= strayBefore + sent, Timeout, "the empty and spoofed datagrams counted");

        // At most 10 lines per 10 s (the flood may straddle two windows); the rest are counted in a summary line.
        List<CapturedLogs.LogLine> Since() =>
            [.. server.Logs.Lines.Where(l => l.Category == ServerCategory && l.Message.StartsWith("WebRTC: ", StringComparison.Ordinal)).Skip(linesBefore)];
        var single = Since().Where(l => l.Message.StartsWith("WebRTC: dropped ", StringComparison.Ordinal)).ToList();
        Assert.InRange(single.Count, 0, 20);
        // Peers are named as addresses, not as SocketAddress's dump.
        Assert.All(single.Where(l => l.Message.Contains(" from ", StringComparison.Ordinal)), l => Assert.Contains("from 127.0.0.1:", l.Message, StringComparison.Ordinal));
        await Wait.UntilAsync(() =>
        {
            var lines = Since();
            var summarised = lines.Select(l => SuppressedCount().Match(l.Message)).Where(m => m.Success).Sum(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            return summarised + lines.Count(l => l.Message.StartsWith("WebRTC: dropped ", StringComparison.Ordinal)) >= sent;
        }, Timeout, "a summary line for the datagrams not logged one by one");
        Assert.DoesNotContain(server.Logs.Lines, l => l.Message.Contains("WebRTC datagram from", StringComparison.Ordinal));
        await HealthyStreamsAsync();
    }

    [Fact]
    public async Task A_binding_for_an_unknown_ufrag_gets_no_answer_and_one_with_a_bad_integrity_gets_401_and_binds_nothing()
    {
        await using var peer = new RawRtcPeer(server.RtcPort);
        await peer.SignalOrFailAsync(server.Api, Whep("stun" + Ids.Random(6)), publish: false);
        var socket = peer.OpenSocket();
        var stray = Rtc.StrayDatagrams;

        // The server answers in order on one thread: the good binding's answer after the bad one's proves there was none.
        var unanswered = peer.BindAsync(socket, Timeout, serverUfrag: "nosuchufrag");
        var wrongPassword = await peer.BindAsync(socket, Timeout, password: "not-the-password-at-all");
        Assert.NotNull(wrongPassword);
        Assert.Equal(StunMessageType.BindingErrorResponse, wrongPassword.Type);
        Assert.Equal(401, wrongPassword.Error?.Code);
        Assert.False(unanswered.IsCompleted);
        Assert.True(Rtc.StrayDatagrams >= stray + 2);

        var session = Rtc.Sessions.ById(peer.SessionId!);
        Assert.NotNull(session);
        Assert.Null(session.Path);
        // DTLS from the socket that failed integrity reaches no session.
        var before = Rtc.StrayDatagrams;
        socket.SendTo(await ClientHelloAsync(), new IPEndPoint(IPAddress.Loopback, server.RtcPort));
        await Wait.UntilAsync(() => Rtc.StrayDatagrams > before, Timeout, "the DTLS datagram counted stray");
        Assert.Null(session.Path);

        // The right credentials still bind.
        Assert.Equal(StunMessageType.BindingSuccessResponse, (await peer.BindAsync(socket, Timeout))?.Type);
        Assert.NotNull(session.Path);
        Assert.False(unanswered.IsCompleted);
        await HealthyStreamsAsync();
    }

    [Fact]
    public async Task A_player_that_moves_to_another_socket_gets_its_media_there()
    {
        await using var peer = new RawRtcPeer(server.RtcPort);
        await peer.SignalOrFailAsync(server.Api, Whep(_healthyStream), publish: false);
        await peer.ConnectAsync(Timeout);
        var a = peer.Current!;
        await Wait.UntilAsync(() => peer.RtpPacketsOn(a) >= 20, Timeout, "SRTP at socket A");

        var b = peer.OpenSocket();
        Assert.Equal(StunMessageType.BindingSuccessResponse, (await peer.BindAsync(b, Timeout))?.Type);
        await Wait.UntilAsync(() => server.Logged($"WebRTC session {peer.SessionId}: peer moved from 127.0.0.1:{((IPEndPoint)a.LocalEndPoint!).Port} to 127.0.0.1:{((IPEndPoint)b.LocalEndPoint!).Port}"),
            Timeout, "the peer moved log line");
        await Wait.UntilAsync(() => peer.RtpPacketsOn(b) >= 50, Timeout, "SRTP at socket B");
        // Nothing more goes to A once the path switched (a packet or two may have been in flight).
        var atA = peer.RtpPacketsOn(a);
        var atB = peer.RtpPacketsOn(b);
        await Wait.UntilAsync(() => peer.RtpPacketsOn(b) >= atB + 50, Timeout, "more SRTP at socket B");
        Assert.InRange(peer.RtpPacketsOn(a), atA, atA + 2);
        Assert.Equal(0, peer.RtpUnprotectFailures);
        await HealthyStreamsAsync();
    }

    [Fact]
    public async Task A_client_hello_flood_is_stray_without_bindings_and_bounded_with_them_and_every_handshake_ends()
    {
        var hello = await ClientHelloAsync();
        var target = new IPEndPoint(IPAddress.Loopback, server.RtcPort);
        var stray = Rtc.StrayDatagrams;
        for (var batch = 0; batch < 6; batch++)
        {
            var sockets = Enumerable.Range(0, 50).Select(_ => new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))).ToList();
            foreach (var socket in sockets)
            {
                await socket.SendAsync(hello, target);
            }
            await Wait.UntilAsync(() => Rtc.StrayDatagrams >= stray + (batch + 1) * 50, Timeout, "unbound ClientHellos counted stray");
            sockets.ForEach(s => s.Dispose());
        }
        Assert.Equal(0, Rtc.Handshakes!.Admitted);

        // 40 sessions with a binding each, then one ClientHello each that never gets a second flight.
        const int Pending = 40;
        var peers = new List<RawRtcPeer>();
        try
        {
            var stream = "flood" + Ids.Random(6);
            for (var i = 0; i < Pending; i++)
            {
                var peer = new RawRtcPeer(server.RtcPort);
                peers.Add(peer);
                await peer.SignalOrFailAsync(server.Api, Whep(stream), publish: false);
                Assert.Equal(StunMessageType.BindingSuccessResponse, (await peer.BindAsync(peer.OpenSocket(), Timeout))?.Type);
            }
            int maxRunning = 0, maxAdmitted = 0;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    maxRunning = Math.Max(maxRunning, Rtc.Handshakes.Running);
                    maxAdmitted = Math.Max(maxAdmitted, Rtc.Handshakes.Admitted);
                    await Task.Delay(5, CancellationToken.None);
                }
            });
            peers.ForEach(p => p.SendRaw(hello));
            await Wait.UntilAsync(() => maxAdmitted >= Pending, Timeout, "every handshake admitted");
            await Wait.UntilAsync(() => peers.All(p => Rtc.Sessions.ById(p.SessionId!) is null), Timeout, "the pending sessions ended");
            await Wait.UntilAsync(() => Rtc.Handshakes.Admitted == 0 && Rtc.Handshakes.Running == 0, Timeout, "no handshake left");
            await sampling.CancelAsync();
            await sampler;
            Assert.InRange(maxRunning, 1, RtcBadInputFixture.MaxHandshakes);
            foreach (var peer in peers)
            {
                Assert.True(server.Logged($"WebRTC session {peer.SessionId} closed (DTLS never completed)") || server.Logged($"WebRTC session {peer.SessionId} closed (DTLS failed"),
                    $"no close line for {peer.SessionId}");
            }
            await Wait.UntilAsync(async () => (await server.FindClientsAsync(stream)).Count == 0, Timeout, "the flood's clients gone");
        }
        finally
        {
            foreach (var peer in peers)
            {
                await peer.DisposeAsync();
            }
        }
        await HealthyStreamsAsync();
    }

    [Fact]
    public async Task A_certificate_that_does_not_match_the_offered_fingerprint_fails_dtls_and_ends_the_session()
    {
        await using var peer = new RawRtcPeer(server.RtcPort);
        var stream = "print" + Ids.Random(6);
        using (var response = await peer.SignalAsync(server.Api, Whep(stream), peer.Offer(publish: false, fingerprint: DtlsCertificate.Generate().Fingerprint)))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        Assert.Equal(StunMessageType.BindingSuccessResponse, (await peer.BindAsync(peer.OpenSocket(), Timeout))?.Type);
        var result = await peer.HandshakeAsync(peer.ServerFingerprint!);
        Assert.False(result.Succeeded);
        await Wait.UntilAsync(() => server.Logged($"WebRTC session {peer.SessionId} closed (DTLS failed"), Timeout, "the DTLS failure line");
        Assert.Null(Rtc.Sessions.ById(peer.SessionId!));
        await Wait.UntilAsync(async () => (await server.FindClientsAsync(stream)).Count == 0, Timeout, "the client gone");
        await HealthyStreamsAsync();
    }

    public static TheoryData<string, string, string> MalformedOffers()
    {
        const string Session = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
        const string Video = "m=video 9 UDP/TLS/RTP/SAVPF 102\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=recvonly\r\na=rtcp-mux\r\na=rtpmap:102 H264/90000\r\n";
        const string Ice = "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n";
        const string Print = "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\na=setup:actpass\r\n";
        return new()
        {
            { "no m-lines", Session + Ice + Print, "the offer has no media sections" },
            { "no ice-ufrag", Session + Print + Video + "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\n", "the offer has no a=ice-ufrag" },
            { "no fingerprint", Session + Ice + Video, "the offer has no a=fingerprint" },
            { "no codec we play", Session + Ice + Print + Video.Replace("H264", "H263", StringComparison.Ordinal), "no acceptable codec" },
            { "garbage", "\u0001\u0002 this is not SDP at all \r\n\r\n===", "not an SDP description" },
            { "empty", "", "the SDP is empty" },
        };
    }

    [Theory]
    [MemberData(nameof(MalformedOffers))]
    public async Task A_malformed_offer_is_refused_with_a_400_and_a_message(string what, string sdp, string message)
    {
        await using var peer = new RawRtcPeer(server.RtcPort);
        var sessions = Rtc.Sessions.Count;
        using var response = await peer.SignalAsync(server.Api, Whep("bad" + Ids.Random(6)), sdp);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode} {body}");
        Assert.Contains(message, body, StringComparison.Ordinal);
        Assert.True(server.Logged("WebRTC play offer for live/bad", "refused:", message), what);
        Assert.Equal(sessions, Rtc.Sessions.Count);
    }

    [Fact]
    public async Task Oversized_offers_and_bad_json_are_refused_and_the_server_still_answers()
    {
        await using var peer = new RawRtcPeer(server.RtcPort);
        var huge = peer.Offer(publish: false) + string.Concat(Enumerable.Repeat("a=x-padding:" + new string('p', 100) + "\r\n", 200));
        Assert.True(huge.Length > RtcBadInputFixture.MaxSdpBytes);
        using (var response = await peer.SignalAsync(server.Api, Whep("huge"), huge))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains($"offer larger than {RtcBadInputFixture.MaxSdpBytes} bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        // The same without a Content-Length (chunked): the limit holds while reading.
        using (var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge))))
        {
            chunked.Headers.ContentType = new MediaTypeHeaderValue("application/sdp");
            using var request = new HttpRequestMessage(HttpMethod.Post, Whep("huge")) { Content = chunked };
            request.Headers.TransferEncodingChunked = true;
            using var response = await server.Api.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }

        foreach (var (body, message) in new[]
        {
            ("{not json", "body is not JSON"),
            ("[1, 2, 3]", "body is not JSON"),
            ("{\"sdp\": 5, \"streamurl\": \"webrtc://127.0.0.1/live/x\"}", "body is not JSON"),
            ("{\"sdp\": \"v=0\"}", "need sdp and streamurl"),
            ("{\"sdp\": \"v=0\", \"streamurl\": \"webrtc://127.0.0.1/\"}", "need sdp and streamurl"),
            ("{\"sdp\": \"v=0\", \"streamurl\": \"ftp://127.0.0.1/live/x\"}", "need sdp and streamurl"),
        })
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await server.Api.PostAsync("rtc/v1/play/", content);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        // A JSON offer with a bad SDP: SRS's style, 200 with the error code in the body.
        using (var content = new StringContent("{\"sdp\": \"garbage\", \"streamurl\": \"webrtc://127.0.0.1/live/jsonbad\"}", Encoding.UTF8, "application/json"))
        {
            using var response = await server.Api.PostAsync("rtc/v1/publish/", content);
            Assert.Contains("\"code\":400", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The server is fine after: a good offer is answered.
        await using var good = new RawRtcPeer(server.RtcPort);
        await good.SignalOrFailAsync(server.Api, Whep(_healthyStream), publish: false);
        await good.ConnectAsync(Timeout);
        await Wait.UntilAsync(() => good.RtpPackets >= 20, Timeout, "SRTP at the new player");
        await HealthyStreamsAsync();
    }

    [Fact]
    public async Task Forged_srtp_and_rtp_for_unknown_ssrcs_are_counted_and_the_sessions_stay_up()
    {
        await using var publisher = new RawRtcPeer(server.RtcPort);
        var stream = "forged" + Ids.Random(6);
        await publisher.SignalOrFailAsync(server.Api, server.WhipUrl("live", stream, publish: true), publish: true);
        await publisher.ConnectAsync(Timeout);
        await Wait.UntilAsync(() => server.Logged($"WebRTC session {publisher.SessionId}: DTLS done"), Timeout, "the publisher's DTLS");

        // Authentic SRTP for an SSRC and payload types nobody negotiated: dropped quietly, not an auth failure.
        var failures = Rtc.SrtpAuthFailures;
        for (ushort i = 0; i < 100; i++)
        {
            publisher.SendRtp(0xDEADBEEF, (byte)(i % 2 == 0 ? 77 : 102), i, i * 3000u, new byte[100]);
        }
        // Garbage that looks like RTP and RTCP, to the publisher's session and to the healthy player's.
        var random = new Random(9);
        const int Forged = 200;
        for (var i = 0; i < Forged; i++)
        {
            var datagram = new byte[random.Next(12, 400)];
            random.NextBytes(datagram);
            datagram[0] = (byte)(0x80 | (datagram[0] & 0x3F));
            if (i % 4 == 0)
            {
                datagram[1] = 200;
            }
            (i % 2 == 0 ? publisher : Healthy).SendRaw(datagram);
        }
        await Wait.UntilAsync(() => Rtc.SrtpAuthFailures >= failures + Forged, Timeout, "the forged packets counted");
        Assert.InRange(Rtc.SrtpAuthFailures, failures + Forged, failures + Forged);
        Assert.True(server.Logged("an SRTP packet failed authentication"));

        Assert.NotNull(Rtc.Sessions.ById(publisher.SessionId!));
        Assert.False(server.Logged($"WebRTC session {publisher.SessionId} closed"));
        Assert.False(server.Logged($"WebRTC session {Healthy.SessionId} closed"));
        Assert.Single(await server.FindClientsAsync(stream));
        await HealthyStreamsAsync();
    }

    [Fact]
    public async Task A_player_that_vanishes_is_ended_by_the_idle_timeout_and_leaves_the_api()
    {
        await using var peer = new RawRtcPeer(server.RtcPort);
        await peer.SignalOrFailAsync(server.Api, Whep(_healthyStream), publish: false);
        await peer.ConnectAsync(Timeout);
        await Wait.UntilAsync(() => peer.RtpPackets >= 20, Timeout, "SRTP at the player");
        Assert.Equal(2, (await server.FindClientsAsync(_healthyStream)).Count(c => c.GetProperty("type").GetString() == "rtc-play"));

        await peer.GoSilentAsync();
        var silent = Stopwatch.StartNew();
        await Wait.UntilAsync(() => server.Logged($"WebRTC session {peer.SessionId} closed (peer went silent"), Timeout, "the idle close line");
        Assert.True(silent.Elapsed >= TimeSpan.FromSeconds(RtcBadInputFixture.IdleTimeoutSeconds - 1), $"closed after {silent.Elapsed}");
        Assert.Null(Rtc.Sessions.ById(peer.SessionId!));
        await Wait.UntilAsync(async () => (await server.FindClientsAsync(_healthyStream)).Count(c => c.GetProperty("type").GetString() == "rtc-play") == 1,
            Timeout, "the vanished player gone from the API");
        await HealthyStreamsAsync();
    }

    [Fact]
    public async Task A_thousand_offers_that_never_connect_leave_no_sessions_admissions_or_clients_behind()
    {
        const int Offers = 1000;
        var baselineClients = (await server.GetJsonAsync("api/v1/clients?count=1000")).GetProperty("clients").GetArrayLength();
        var baselineAdmissions = server.Limiter.Connections;
        var baselineSessions = Rtc.Sessions.Count;
        var rssBefore = RssAfterCollect();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);

        long rssPeak = 0;
        var peakSessions = 0;
        var next = 0;
        var offer = new RawRtcPeer(server.RtcPort).Offer(publish: false);
        using var http = new HttpClient { Timeout = Timeout };
        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) is var i && i <= Offers)
            {
                using var content = new StringContent(offer, Encoding.UTF8, "application/sdp");
                using var response = await http.PostAsync(Whep("idle" + (i % 10)), content);
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                if (i % 50 == 0)
                {
                    peakSessions = Math.Max(peakSessions, Rtc.Sessions.Count);
                    rssPeak = Math.Max(rssPeak, Rss());
                }
            }
        })).ToList();
        await Task.WhenAll(workers);
        peakSessions = Math.Max(peakSessions, Rtc.Sessions.Count);
        rssPeak = Math.Max(rssPeak, Rss());

        await Wait.UntilAsync(() => Rtc.Sessions.Count == baselineSessions, TimeSpan.FromSeconds(60), "the pending sessions swept");
        await Wait.UntilAsync(() => server.Limiter.Connections == baselineAdmissions, Timeout, "the admissions released");
        await Wait.UntilAsync(async () => (await server.GetJsonAsync("api/v1/clients?count=1000")).GetProperty("clients").GetArrayLength() == baselineClients,
            Timeout, "the API's clients back to the baseline");
        await Wait.UntilAsync(async () =>
        {
            foreach (var i in Enumerable.Range(0, 10))
            {
                if (await server.FindStreamAsync("live", "idle" + i) is { } s && s.GetProperty("clients").GetInt32() > 0)
                {
                    return false;
                }
            }
            return true;
        }, Timeout, "the streams' grains with no players left");
        Assert.True(server.Logged("closed (ICE never completed)"));
        var rssAfter = RssAfterCollect();
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var figures = $"RSS before {rssBefore >> 20} MiB, peak {rssPeak >> 20} MiB, after {rssAfter >> 20} MiB; managed heap before {heapBefore >> 20} MiB, after {heapAfter >> 20} MiB; peak sessions {peakSessions}";
        Console.WriteLine(figures);
        Assert.True(peakSessions >= 100, figures);
        Assert.True(heapAfter - heapBefore < 32L << 20, figures);
        Assert.True(rssAfter - rssBefore < 128L << 20, figures);
        await HealthyStreamsAsync();
    }

    [GeneratedRegex(@"^WebRTC: (\d+) more stray datagrams")]
    private static partial Regex SuppressedCount();

    private static long RssAfterCollect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Rss();
    }

    /// <summary>The process's resident set (VmRSS in /proc/self/status), in bytes.</summary>
    private static long Rss()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
