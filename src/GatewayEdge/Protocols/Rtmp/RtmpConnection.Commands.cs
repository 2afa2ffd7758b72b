using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Containers.Amf;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>NetConnection and NetStream commands, answered the way SRS answers them.</summary>
public sealed partial class RtmpConnection
{
    private const uint WindowAckSize = 2_500_000;

    private string? _tcUrl;
    private string? _app;
    private string? _pageUrl;
    private bool _sourceAudio;
    private string? _swfUrl;
    private bool _connected;
    private bool _fmlePublish;

    private async Task OnCommandAsync(RtmpCommand command)
    {
        switch (command.Name)
        {
            case "connect":
                await OnConnectAsync(command);
                break;
            case "createStream":
                RequireConnected(command);
                await ReplyAsync(command, null, 1.0);
                break;
            case "releaseStream":
            case "FCPublish":
                RequireConnected(command);
                _fmlePublish = true;
                await ReplyAsync(command, null, [null]);
                break;
            case "publish":
                RequireConnected(command);
                await OnPublishAsync(command);
                break;
            case "play":
                RequireConnected(command);
                await OnPlayAsync(command);
                break;
            case "FCUnpublish":
            case "deleteStream":
            case "closeStream":
                await StopPublishingAsync();
                if (command.Name != "FCUnpublish")
                {
                    await StopPlayingAsync();
                }
                if (command.TransactionId != 0 && command.Name == "FCUnpublish")
                {
                    await ReplyAsync(command, null, [null]);
                }
                break;
            case "getStreamLength":
                await ReplyAsync(command, null, 0.0);
                break;
            case "_checkbw":
            case "FCSubscribe":
                if (command.TransactionId != 0)
                {
                    await ReplyAsync(command, null, [null]);
                }
                break;
            case "pause":
                await OnPauseAsync(command);
                break;
            case RtmpClient.KeyframeRequestCommand:
                // A gateway pulling this stream has a player that lost a picture; the publisher, if it
                // can be asked (WebRTC), rate-limits.
                if (_play is { } play && play.Hub.RequestKeyframe())
                {
                    _logger.LogDebug("Keyframe request from {Client} passed to the publisher of {Url}", ClientId, play.Address.Url);
                }
                break;
            case "receiveAudio":
            case "receiveVideo":
            case "_result":
            case "_error":
            case "onBWDone":
                break;
            default:
                _logger.LogDebug("Unknown RTMP command {Command}", command.Name);
                if (command.TransactionId != 0)
                {
                    var info = Status("error", "NetConnection.Call.Failed", $"Unknown command: {command.Name}");
                    await SendCommandAsync(CommandCsid, 0, "_error", command.TransactionId, null, info);
                }
                break;
        }
    }

    private void RequireConnected(RtmpCommand command)
    {
        if (!_connected)
        {
            throw new RtmpProtocolException($"'{command.Name}' before 'connect'");
        }
    }

    private async Task OnConnectAsync(RtmpCommand command)
    {
        if (_connected)
        {
            throw new RtmpProtocolException("second 'connect' on one connection");
        }
        var props = command.CommandObject as AmfObject ?? throw new RtmpProtocolException("'connect' without a command object");
        _app = props.GetString("app") ?? "";
        _tcUrl = props.GetString("tcUrl") ?? "";
        _pageUrl = props.GetString("pageUrl") ?? "";
        _swfUrl = props.GetString("swfUrl") ?? "";
        _sourceAudio = props.GetBoolean(RtmpClient.SourceAudioProperty) == true;
        if (_tcUrl.Length == 0)
        {
            throw new RtmpProtocolException("'connect' without tcUrl");
        }
        var objectEncoding = props.GetNumber("objectEncoding") ?? 0;
        var probe = StreamAddress.Resolve(StreamAddress.HostOf(_tcUrl), _app, "", _gateway.KnownVhosts);
        _logger.LogDebug("RTMP connect app={App} tcUrl={TcUrl} vhost={Vhost}", probe.App, _tcUrl, probe.Vhost);
        var client = Client;
        (client.TcUrl, client.PageUrl, client.SwfUrl, client.Vhost, client.App) = (_tcUrl, _pageUrl, _swfUrl, probe.Vhost, probe.App);
        if (await Sessions.ConnectAsync(client, probe) is { } refusal)
        {
            // As SRS: a refused client is closed without an error status.
            throw new RtmpRefusedException(refusal);
        }
        _connected = true;

        var chunkSize = _gateway.Options.OutChunkSize;
        var properties = new AmfObject
        {
            { "fmsVer", "FMS/3,5,3,888" },
            { "capabilities", 127.0 },
            { "mode", 1.0 },
        };
        var data = new AmfObject
        {
            { "version", ServerInfo.Version },
            { "srs_sig", ServerInfo.Signature },
            { "srs_server", ServerInfo.Name },
            { "srs_license", "MIT" },
            { "srs_url", ServerInfo.Url },
        };
        var info = Status("status", "NetConnection.Connect.Success", "Connection succeeded");
        info.Add("objectEncoding", objectEncoding);
        info.Add("data", data);
        await SendMessagesAsync((w, o) =>
        {
            RtmpControl.WindowAckSize(w, o, WindowAckSize);
            RtmpControl.SetPeerBandwidth(w, o, WindowAckSize, 2);
            RtmpControl.SetChunkSize(w, o, chunkSize);
            w.ChunkSize = chunkSize;
            _session.WriteCommand(w, o, CommandCsid, 0, "_result", command.TransactionId, properties, info);
        });
    }

    private async Task OnPauseAsync(RtmpCommand command)
    {
        var pause = command.Arguments.Count > 0 && command.Arguments[0] is true;
        _paused = pause;
        if (!pause)
        {
            _play?.Queue.WaitForKeyframe();
        }
        var info = pause
            ? Status("status", "NetStream.Pause.Notify", "Paused stream.")
            : Status("status", "NetStream.Unpause.Notify", "Unpaused stream.");
        await SendCommandAsync(StreamCsid, RtmpWireForm.PlayStreamId, "onStatus", 0, null, info);
    }

    private static AmfObject Status(string level, string code, string description) => new()
    {
        { "level", level },
        { "code", code },
        { "description", description },
    };

    private Task ReplyAsync(RtmpCommand command, object? commandObject, params object?[] args) =>
        SendCommandAsync(CommandCsid, 0, "_result", command.TransactionId, commandObject, args);

    private Task SendCommandAsync(int csid, uint streamId, string name, double transactionId, object? commandObject, params object?[] args) =>
        _session.SendCommandAsync(csid, streamId, name, transactionId, commandObject, args, _closed.Token);
}
