using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Rtsp;

namespace OrleansLive.GatewayEdge.Protocols.Rtsp;

/// <summary>Playing: DESCRIBE admits the player (its queue starts filling from the GOP cache) and
/// describes the stream's codecs, SETUP takes each track's transport, PLAY starts the sending.</summary>
internal sealed partial class RtspConnection
{
    /// <summary>How long DESCRIBE waits for a stream's decoder configurations (a publisher just starting, an edge pull).</summary>
    private static readonly TimeSpan DescribeWait = TimeSpan.FromSeconds(5);

    /// <summary>Once one configuration came, how long DESCRIBE waits for the other track's.</summary>
    private static readonly TimeSpan SecondTrackWait = TimeSpan.FromSeconds(1);

    private PlaySession? _play;
    private List<RtspTrack> _tracks = [];
    private string _contentBase = "";
    private RtspPlayer? _player;
    private Task? _playTask;
    private volatile bool _playEnded;

    private bool TryResolve(RtspRequest request, out RtspUrl url, out StreamAddress address)
    {
        address = default!;
        if (!RtspUrl.TryParse(request.Url, out url))
        {
            return false;
        }
        address = StreamAddress.Resolve(url.Host, url.App, url.Stream + WithUser(url.Query), _gateway.KnownVhosts);
        var client = _client!;
        client.TcUrl = $"rtsp://{url.Host}/{url.App}";
        (client.Vhost, client.App) = (address.Vhost, address.App);
        return true;
    }

    /// <summary>The query with the authenticated user as its user= param (one the client wrote goes), for hooks and rules.</summary>
    private string WithUser(string query)
    {
        if (_user is null)
        {
            return query;
        }
        var kept = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.Split('=')[0].Equals("user", StringComparison.OrdinalIgnoreCase));
        return "?" + string.Join('&', kept.Append("user=" + Uri.EscapeDataString(_user)));
    }

    private async Task<bool> DescribeAsync(RtspRequest request)
    {
        if (_play is not null || _publish is not null)
        {
            return await ReplyAsync(request, 455);
        }
        if (!TryResolve(request, out var url, out var address))
        {
            return await ReplyAsync(request, 400);
        }
        var sessions = _gateway.Sessions;
        if (await sessions.ConnectAsync(_client!, address) is { } refusal)
        {
            _outcome = refusal;
            await ReplyAsync(request, 403);
            return false;
        }
        var queue = sessions.NewPlayerQueue(_client!, readsTsForm: false, _ =>
        {
            _outcome = "player too slow";
            Kick();
        }, AudioFamily.Source);
        var result = await sessions.PlayAsync(_client!, address, "rtsp-play", queue);
        if (result.Value is not { } play)
        {
            _outcome = $"play refused: {result.Refusal}";
            await ReplyAsync(request, 403);
            return false;
        }
        _play = play;
        _tracks = await DescribeTracksAsync(play.Hub);
        if (_tracks.Count == 0)
        {
            _play = null;
            play.Dispose();
            _logger.LogInformation("RTSP DESCRIBE {Url}: no H.264/H.265 video or AAC/Opus audio within {Seconds} s", address.Url, DescribeWait.TotalSeconds);
            return await ReplyAsync(request, 404);
        }
        var host = _gateway.Options.Host;
        var requestUrl = request.Url.Split('?')[0].TrimEnd('/');
        _contentBase = requestUrl + "/";
        var sdp = RtspSdp.Describe(host, address.Stream, _tracks);
        _logger.LogInformation("RTSP DESCRIBE {Url}: {Tracks}", address.Url, string.Join(", ", _tracks.Select(t => t.CodecName)));
        return await ReplyAsync(request, 200, [new("Content-Base", _contentBase), new("Content-Type", "application/sdp")], sdp);
    }

    /// <summary>The stream's tracks from its decoder configurations, waiting a little for a stream that is just starting.</summary>
    private async Task<List<RtspTrack>> DescribeTracksAsync(StreamHub hub)
    {
        var started = Stopwatch.GetTimestamp();
        long firstSeen = 0;
        while (true)
        {
            var (video, audio) = hub.Configurations(AudioFamily.Source);
            var tracks = new List<RtspTrack>();
            if (video is { } v && VideoDecoderConfig.TryParse(v.Header.VideoCodec, v.Data.Span, out var config))
            {
                var sets = new List<byte[]>();
                foreach (var nal in AnnexB.Split(config.ParameterSetsAnnexB))
                {
                    sets.Add(nal.ToArray());
                }
                if (RtspSdp.VideoTrack(config.Codec, sets, "trackID=0") is { } track)
                {
                    tracks.Add(track);
                }
            }
            if (audio is { } a && RtspSdp.AudioTrack(a.Header.AudioCodec, a.Data.Span, $"trackID={tracks.Count}") is { } audioTrack)
            {
                tracks.Add(audioTrack);
            }
            if (tracks.Count > 0 && firstSeen == 0)
            {
                firstSeen = Stopwatch.GetTimestamp();
            }
            var complete = video is not null && audio is not null;
            if ((tracks.Count > 0 && (complete || Stopwatch.GetElapsedTime(firstSeen) >= SecondTrackWait))
                || Stopwatch.GetElapsedTime(started) >= DescribeWait || _kicked != 0)
            {
                return tracks;
            }
            await Task.Delay(50);
        }
    }

    private async Task<bool> SetupAsync(RtspRequest request)
    {
        var tracks = _play is not null ? _tracks : _announced;
        if (tracks.Count == 0 || _player is not null || _recording)
        {
            return await ReplyAsync(request, 455);
        }
        if (!RtspUrl.TryParse(request.Url, out var url))
        {
            return await ReplyAsync(request, 400);
        }
        var index = url.Track == RtspUrl.NoTrack
            ? (tracks.Count == 1 ? 0 : -1)
            : tracks.FindIndex(t => RtspUrl.TrackOf(t.Control) == url.Track) is var found and >= 0 ? found : (url.Track < tracks.Count && _play is not null ? url.Track : -1);
        if (index < 0 || _setups[index] is not null)
        {
            return await ReplyAsync(request, index < 0 ? 404 : 459);
        }
        if (RtspTransport.ParseFirstUsable(request.Header("Transport")) is not { } transport)
        {
            return await ReplyAsync(request, 461);
        }
        RtspUdpPair? udp = null;
        if (transport.Tcp)
        {
            var rtp = transport.RtpChannel >= 0 ? transport.RtpChannel : 2 * index;
            var rtcp = transport.RtcpChannel >= 0 ? transport.RtcpChannel : rtp + 1;
            if (_setups.Any(s => s is not null && s.Udp is null && (s.Transport.RtpChannel is var c && (c == rtp || c == rtcp || s.Transport.RtcpChannel == rtp || s.Transport.RtcpChannel == rtcp))))
            {
                return await ReplyAsync(request, 461);
            }
            transport = transport with { RtpChannel = rtp, RtcpChannel = rtcp, ClientRtpPort = 0, ServerRtpPort = 0 };
        }
        else
        {
            if (transport.ClientRtpPort <= 0 || (udp = RtspUdpPair.Open(IPAddress.Parse(_gateway.Options.ListenAddress))) is null)
            {
                return await ReplyAsync(request, transport.ClientRtpPort <= 0 ? 461 : 453);
            }
            udp.SetRemote(_remoteIp, transport.ClientRtpPort, transport.ClientRtcpPort);
            transport = transport with { ServerRtpPort = udp.RtpPort, ServerRtcpPort = udp.RtcpPort, RtpChannel = -1, RtcpChannel = -1 };
        }
        var setup = new RtspSetup(index, tracks[index], transport with { Ssrc = null }, udp);
        _setups[index] = setup;
        if (udp is not null)
        {
            StartUdpReceive(setup);
        }
        var reply = _play is not null ? transport with { Ssrc = setup.Ssrc.ToString("X8", System.Globalization.CultureInfo.InvariantCulture), Record = false } : transport;
        _logger.LogInformation("RTSP SETUP {Track} ({Codec}): {Transport}", index, setup.Track.CodecName, reply);
        return await ReplyAsync(request, 200, [new("Transport", reply.ToString())]);
    }

    private async Task<bool> PlayAsync(RtspRequest request)
    {
        if (_play is null || !HasSession)
        {
            return await ReplyAsync(request, 455);
        }
        if (_player is not null)
        {
            _player.Resume();
            return await ReplyAsync(request, 200, [new("Range", "npt=0.000-")]);
        }
        var video = _setups.FirstOrDefault(s => s is { Track.IsVideo: true });
        var audio = _setups.FirstOrDefault(s => s is { Track.IsVideo: false });
        var player = new RtspPlayer(this, _play, video, audio, _logger);
        var info = string.Join(',', new[] { video, audio }.Where(s => s is not null).Select(s => $"url={_contentBase}{s!.Track.Control};seq={s.FirstSequence}"));
        if (!await ReplyAsync(request, 200, [new("Range", "npt=0.000-"), new("RTP-Info", info)]))
        {
            return false;
        }
        _player = player;
        _playTask = Task.Run(async () =>
        {
            var why = await player.RunAsync();
            _playEnded = true;
            _outcome = why;
            Kick();
        });
        return true;
    }

    /// <summary>A UDP track's ports: a publisher's RTP and RTCP, a player's receiver reports (which keep it alive too).</summary>
    private void StartUdpReceive(RtspSetup setup)
    {
        var udp = setup.Udp!;
        var index = setup.Index;
        _udpTasks.Add(udp.ReceiveAsync(_remoteIp, (packet, rtcp) =>
        {
            Touch();
            Interlocked.Add(ref _recv, packet.Length);
            if (rtcp)
            {
                _publisher?.OnRtcp(packet.Span);
            }
            else if (_recording)
            {
                _publisher?.OnRtp(index, packet.Span);
            }
        }));
    }

    /// <summary>Ends whatever the session started: the player's send loop, the publish, the UDP ports.</summary>
    private async Task EndMediaAsync()
    {
        if (_play is { } play)
        {
            play.Queue.Complete(PlayerEnd.Closed);
            if (_playTask is { } task)
            {
                await task;
            }
            play.Dispose();
            _logger.LogInformation("RTSP play {Url} ended: sent {Video} video and {Audio} audio packets", play.Address.Url, _player?.VideoPackets ?? 0, _player?.AudioPackets ?? 0);
        }
        foreach (var setup in _setups)
        {
            setup?.Udp?.Dispose();
        }
        await Task.WhenAll(_udpTasks);
        await EndPublishAsync();
    }
}
