using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Limits;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>The playing side: a queue of shared frames drained by vectored socket sends.</summary>
public sealed partial class RtmpConnection
{
    private PlaySession? _play;
    private Task? _playLoop;
    private volatile bool _paused;

    private async Task OnPlayAsync(RtmpCommand command)
    {
        if (_publish is not null || _play is not null)
        {
            throw new RtmpProtocolException("'play' on a connection that already publishes or plays");
        }
        var address = ResolveStream(command, "play");
        // A gateway pulling for its own players (source audio) must not add a merged-write delay of its own.
        var queue = Sessions.NewPlayerQueue(Client, readsTsForm: false, OnPlayerDropped, _sourceAudio ? AudioFamily.Source : AudioFamily.Classic, mergesWrites: !_sourceAudio);
        var result = await Sessions.PlayAsync(Client, address, "rtmp-play", queue);
        if (result.Value is not { } play)
        {
            // As SRS: a refused player is closed, without a status message (the close is logged).
            throw new RtmpRefusedException($"play refused: {result.Refusal}");
        }
        _play = play;

        var streamIdOnWire = RtmpWireForm.PlayStreamId;
        var reset = Status("status", "NetStream.Play.Reset", "Playing and resetting stream.");
        var start = Status("status", "NetStream.Play.Start", "Started playing stream.");
        await SendMessagesAsync((w, o) =>
        {
            RtmpControl.StreamBegin(w, o, streamIdOnWire);
            _session.WriteCommand(w, o, StreamCsid, streamIdOnWire, "onStatus", 0, null, reset);
            _session.WriteCommand(w, o, StreamCsid, streamIdOnWire, "onStatus", 0, null, start);
            _session.WriteData(w, o, StreamCsid, streamIdOnWire, "|RtmpSampleAccess", true, true);
        });

        if (_gateway.Options.PlayerSendBufferBytes > 0)
        {
            _socket.SendBufferSize = _gateway.Options.PlayerSendBufferBytes;
        }
        // Media sends try a non-blocking send first (RtmpSession.SendFramesAsync); async operations are
        // unaffected. Not under TLS, whose sends go through the stream.
        if (!_session.IsTls)
        {
            _socket.Blocking = false;
        }
        _playLoop = PlayLoopAsync(play);
    }

    private async Task PlayLoopAsync(PlaySession play)
    {
        await Task.Yield();
        var player = play.Queue;
        var chunkSize = _gateway.Options.OutChunkSize;
        var sendTimeout = TimeSpan.FromSeconds(_gateway.Options.SendTimeoutSeconds);
        try
        {
            await QueueReader.RunAsync(player, async batch =>
            {
                if (!_paused)
                {
                    var bytes = await _session.SendFramesAsync(batch, RtmpWireForm.PlayStreamId, chunkSize, sendTimeout, _closed.Token);
                    if (bytes > 0)
                    {
                        player.AddSent(bytes);
                    }
                }
                return true;
            });
            if (player.End == PlayerEnd.Unpublished)
            {
                _logger.LogInformation("Stream {Url} unpublished; ending player", play.Address.Url);
                var info = Status("status", "NetStream.Play.UnpublishNotify", "stream is unpublished.");
                await SendMessagesAsync((w, o) =>
                {
                    _session.WriteCommand(w, o, StreamCsid, RtmpWireForm.PlayStreamId, "onStatus", 0, null, info);
                    RtmpControl.StreamEof(w, o, RtmpWireForm.PlayStreamId);
                });
            }
        }
        catch (TimeoutException)
        {
            DropAndKick(ConnectionDrops.SendTimeout, $"player send stalled for {sendTimeout.TotalSeconds:0.#} s");
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            _logger.LogDebug(ex, "RTMP play send ended");
        }
        finally
        {
            if (player.End != PlayerEnd.Closed)
            {
                Kick();
            }
        }
    }

    /// <summary>Runs on the publisher's thread: close at once, even if a send is stuck.</summary>
    private void OnPlayerDropped(PlayerQueue player) =>
        DropAndKick(ConnectionDrops.TooSlow, $"player too slow: skipped ahead {player.Skips} times, {player.DroppedFrames} frames dropped");

    private async Task StopPlayingAsync()
    {
        if (Interlocked.Exchange(ref _play, null) is not { } play)
        {
            return;
        }
        play.Dispose();
        if (_playLoop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }
    }
}
