using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>The publishing side: a publish session from the session service, then frames into it.</summary>
public sealed partial class RtmpConnection
{
    private PublishSession? _publish;

    private async Task OnPublishAsync(RtmpCommand command)
    {
        if (_publish is not null || _play is not null)
        {
            throw new RtmpProtocolException("'publish' on a connection that already publishes or plays");
        }
        var address = ResolveStream(command, "publish");
        using var scope = _logger.BeginScope("stream {Stream}", address.Url);
        var result = await Sessions.PublishAsync(Client, address, _fmlePublish ? "fmle-publish" : "flash-publish", _closed.Token);
        if (result.Value is not { } publish)
        {
            await RefusePublishAsync(result.Refusal ?? "stream is busy");
            return;
        }
        _publish = publish;

        var start = Status("status", "NetStream.Publish.Start", "Started publishing stream.");
        start.Add("clientid", ClientId);
        await SendMessagesAsync((w, o) =>
        {
            if (_fmlePublish)
            {
                _session.WriteCommand(w, o, StreamCsid, RtmpWireForm.PlayStreamId, "onFCPublish", 0, null, Status("status", "NetStream.Publish.Start", "Started publishing stream."));
            }
            _session.WriteCommand(w, o, StreamCsid, RtmpWireForm.PlayStreamId, "onStatus", 0, null, start);
        });
    }

    /// <summary>SRS closes a refused publisher; we first say why with NetStream.Publish.BadName.</summary>
    private async Task RefusePublishAsync(string reason)
    {
        try
        {
            await SendCommandAsync(StreamCsid, RtmpWireForm.PlayStreamId, "onStatus", 0, null, Status("error", "NetStream.Publish.BadName", reason));
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            _logger.LogDebug(ex, "Could not tell the refused publisher why");
        }
        throw new RtmpRefusedException($"publish refused: {reason}");
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

    /// <summary>Hands an audio or video message to the stream. True when the frame took the buffer.</summary>
    private bool OnMedia(RtmpMessage message)
    {
        var publish = _publish;
        if (publish is null || message.Length == 0)
        {
            return false;
        }
        var frame = MediaFrame.FromPooled(message.TypeId, message.Timestamp, message.Buffer, message.Length);
        publish.Publish(frame);
        frame.Release();
        return true;
    }

    /// <summary>Passes onMetaData on to players, without the encoder's @setDataFrame wrapper.</summary>
    private void OnData(RtmpMessage message)
    {
        var publish = _publish;
        if (publish is null)
        {
            return;
        }
        if (!RtmpDataMessage.TryGetMetaDataBody(message.Payload, message.TypeId == RtmpMessageType.DataAmf3, out var body))
        {
            return;
        }
        var frame = MediaFrame.Copy(FrameTypes.Script, message.Timestamp, body);
        publish.Publish(frame);
        frame.Release();
    }

    private async Task StopPublishingAsync()
    {
        if (Interlocked.Exchange(ref _publish, null) is { } publish)
        {
            await publish.DisposeAsync();
        }
    }
}
