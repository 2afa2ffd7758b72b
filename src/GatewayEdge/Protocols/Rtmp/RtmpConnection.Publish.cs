using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Amf;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>The publishing side: lease from the stream grain, then frames into the local hub.</summary>
public sealed partial class RtmpConnection
{
    private StreamHub? _publishHub;
    private StreamAddress? _publishAddress;
    private List<IAsyncDisposable> _extensions = [];
    private VideoInfo? _video;
    private AudioInfo? _audio;

    private async Task OnPublishAsync(RtmpCommand command)
    {
        if (_publishHub is not null || _player is not null)
        {
            throw new RtmpProtocolException("'publish' on a connection that already publishes or plays");
        }
        var address = ResolveStream(command, "publish");
        using var scope = _logger.BeginScope("stream {Stream}", address.Url);
        var claim = new PublishClaim(ClientId, Cluster.GatewayId, _ip, _tcUrl ?? "", address.Param);
        var verdict = await Cluster.Stream(address.Key).AcquirePublish(claim);
        if (!verdict.Granted)
        {
            await RefusePublishAsync(address, verdict.Reason ?? "stream is busy");
            return;
        }
        var hub = _gateway.Hubs.Rent(address.Vhost, address.App, address.Stream, await _gateway.HubOptionsFor(address.Vhost, _logger));
        if (hub.PublisherIsEdge)
        {
            // The lease moved here: the pull from the old publisher's gateway gives way.
            await _gateway.EdgePulls.StopAsync(address.Key);
        }
        if (!hub.TryAttachPublisher(ClientId))
        {
            _gateway.Hubs.Return(hub);
            Cluster.Fire(() => Cluster.Stream(address.Key).ReleasePublish(ClientId), "release lease");
            await RefusePublishAsync(address, "stream is busy on this gateway");
            return;
        }
        _publishHub = hub;
        _publishAddress = address;
        OpenSession(_fmlePublish ? "fmle-publish" : "flash-publish", publish: true, address, verdict.StreamId);
        _logger.LogInformation("RTMP publish {Url} started (stream id {StreamId})", address.Url, verdict.StreamId);
        _extensions = await _gateway.StartPublishExtensionsAsync(
            new PublishContext(hub, address, ClientId, verdict.StreamId, _tcUrl ?? "", _logger) { Ip = _ip }, _closed.Token);

        var start = Status("status", "NetStream.Publish.Start", "Started publishing stream.");
        start.Add("clientid", ClientId);
        await SendMessagesAsync((w, o) =>
        {
            if (_fmlePublish)
            {
                WriteCommand(w, o, StreamCsid, RtmpWireForm.PlayStreamId, "onFCPublish", 0, null, Status("status", "NetStream.Publish.Start", "Started publishing stream."));
            }
            WriteCommand(w, o, StreamCsid, RtmpWireForm.PlayStreamId, "onStatus", 0, null, start);
        });
    }

    /// <summary>SRS closes a refused publisher; we first say why with NetStream.Publish.BadName.</summary>
    private async Task RefusePublishAsync(StreamAddress address, string reason)
    {
        _logger.LogWarning("RTMP publish {Url} refused: {Reason}", address.Url, reason);
        try
        {
            await SendCommandAsync(StreamCsid, RtmpWireForm.PlayStreamId, "onStatus", 0, null, Status("error", "NetStream.Publish.BadName", reason));
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            _logger.LogDebug(ex, "Could not tell the refused publisher why");
        }
        throw new RtmpProtocolException($"publish refused: {reason}");
    }

    private StreamAddress ResolveStream(RtmpCommand command, string action)
    {
        var name = command.Arguments.Count > 0 ? command.Arguments[0] as string : null;
        var address = StreamAddress.Resolve(StreamAddress.HostOf(_tcUrl ?? ""), _app ?? "", name ?? "", _gateway.KnownVhosts);
        if (address.Stream.Length == 0)
        {
            throw new RtmpProtocolException($"'{action}' with an empty stream name");
        }
        if (address.App.Length == 0)
        {
            throw new RtmpProtocolException($"'{action}' with an empty app");
        }
        return address;
    }

    /// <summary>Hands an audio or video message to the hub. True when the frame took the buffer.</summary>
    private bool OnMedia(RtmpMessage message)
    {
        var hub = _publishHub;
        if (hub is null || message.Length == 0)
        {
            return false;
        }
        var payload = message.Payload;
        bool sequenceHeader, keyframe = false;
        if (message.TypeId == RtmpMessageType.Video)
        {
            sequenceHeader = FlvVideo.IsSequenceHeader(payload);
            keyframe = !sequenceHeader && FlvVideo.IsKeyframe(payload);
            if (sequenceHeader && VideoCodecInfo.TryParse(payload, out var video))
            {
                _video = video.ToInfo();
                ReportCodecs();
            }
        }
        else
        {
            sequenceHeader = FlvAudio.IsSequenceHeader(payload);
            if ((sequenceHeader || _audio is null) && AudioCodecInfo.TryParse(payload, out var audio))
            {
                _audio = audio.ToInfo();
                ReportCodecs();
            }
        }
        var frame = MediaFrame.FromPooled(message.TypeId, message.Timestamp, message.Buffer, message.Length, keyframe, sequenceHeader);
        hub.Publish(frame);
        frame.Release();
        return true;
    }

    /// <summary>Passes onMetaData on to players, without the encoder's @setDataFrame wrapper.</summary>
    private void OnData(RtmpMessage message)
    {
        var hub = _publishHub;
        if (hub is null)
        {
            return;
        }
        var amf3 = message.TypeId == RtmpMessageType.DataAmf3;
        var data = RtmpDataMessage.Parse(message.Payload, amf3);
        var body = message.Payload[(amf3 ? 1 : 0)..];
        if (data.Name == "@setDataFrame")
        {
            body = body[(3 + BinaryPrimitives.ReadUInt16BigEndian(body[1..]))..];
            if (data.Values.Count == 0 || data.Values[0] as string != "onMetaData")
            {
                return;
            }
        }
        else if (data.Name != "onMetaData")
        {
            return;
        }
        var frame = MediaFrame.Copy(FrameTypes.Script, message.Timestamp, body);
        hub.Publish(frame);
        frame.Release();
    }

    private void ReportCodecs()
    {
        if (_publishAddress is { } address)
        {
            var (video, audio) = (_video, _audio);
            Cluster.Fire(() => Cluster.Stream(address.Key).SetCodecs(ClientId, video, audio), "set codecs");
        }
    }

    private async Task StopPublishingAsync()
    {
        var hub = _publishHub;
        var address = _publishAddress;
        if (hub is null || address is null)
        {
            return;
        }
        _publishHub = null;
        _publishAddress = null;
        hub.DetachPublisher(ClientId);
        await GatewayContext.StopPublishExtensionsAsync(_extensions, _logger);
        _extensions = [];
        _gateway.Hubs.Return(hub);
        _logger.LogInformation("RTMP publish {Url} stopped", address.Url);
        try
        {
            await Cluster.Stream(address.Key).ReleasePublish(ClientId);
        }
        catch (Exception ex)
        {
            // The lease then expires on its own once this gateway stops renewing it.
            _logger.LogWarning(ex, "Could not release the publish lease of {Url}", address.Url);
        }
    }
}
