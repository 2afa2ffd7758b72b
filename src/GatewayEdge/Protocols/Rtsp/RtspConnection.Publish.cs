using System.Text;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Media.Rtsp;

namespace OrleansLive.GatewayEdge.Protocols.Rtsp;

/// <summary>Publishing: ANNOUNCE reads the publisher's SDP and takes the publish lease, SETUP takes
/// each track's transport (mode=record), RECORD lets its RTP into the stream.</summary>
internal sealed partial class RtspConnection
{
    private readonly List<Task> _udpTasks = [];
    private List<RtspTrack> _announced = [];
    private PublishSession? _publish;
    private RtspPublisher? _publisher;
    private bool _recording;

    private async Task<bool> AnnounceAsync(RtspRequest request)
    {
        if (_play is not null || _publish is not null)
        {
            return await ReplyAsync(request, 455);
        }
        if (!TryResolve(request, out _, out var address))
        {
            return await ReplyAsync(request, 400);
        }
        var sdp = Encoding.UTF8.GetString(request.Body);
        if (!RtspSdp.TryParseAnnounce(sdp, out var tracks, out var skipped, out var error))
        {
            _logger.LogWarning("RTSP ANNOUNCE {Url} from {Ip}: {Error}", address.Url, _remoteIp, error);
            return await ReplyAsync(request, 406);
        }
        if (skipped.Count > 0)
        {
            _logger.LogWarning("RTSP ANNOUNCE {Url}: left out media this server does not take: {Skipped}", address.Url, string.Join("; ", skipped));
        }
        var sessions = _gateway.Sessions;
        if (await sessions.ConnectAsync(_client!, address) is { } refusal)
        {
            _outcome = refusal;
            await ReplyAsync(request, 403);
            return false;
        }
        var result = await sessions.PublishAsync(_client!, address, "rtsp-publish", CancellationToken.None);
        if (result.Value is not { } publish)
        {
            _outcome = $"publish refused: {result.Refusal}";
            await ReplyAsync(request, 403);
            return false;
        }
        _publish = publish;
        _announced = tracks;
        _publisher = new RtspPublisher(publish, tracks, _logger);
        _logger.LogInformation("RTSP ANNOUNCE {Url}: {Tracks}", address.Url, string.Join(", ", tracks.Select(t => t.CodecName)));
        return await ReplyAsync(request, 200);
    }

    private async Task<bool> RecordAsync(RtspRequest request)
    {
        if (_publish is null || !HasSession)
        {
            return await ReplyAsync(request, 455);
        }
        _recording = true;
        return await ReplyAsync(request, 200);
    }

    private async Task EndPublishAsync()
    {
        if (_publish is not { } publish)
        {
            return;
        }
        _publisher!.Flush();
        _logger.LogInformation("RTSP publish {Url} ended: {Summary}", publish.Address.Url, _publisher.Summary());
        await publish.DisposeAsync();
    }
}
