using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Amf;
using OrleansLive.Media.Containers.Flv;

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
        var queue = Sessions.NewPlayerQueue(Client, readsTsForm: false, OnPlayerDropped);
        var result = await Sessions.PlayAsync(Client, address, "rtmp-play", queue);
        if (result.Value is not { } play)
        {
            // As SRS: a refused player is closed, without a status message (the close is logged).
            throw new RtmpProtocolException($"play refused: {result.Refusal}");
        }
        _play = play;

        var streamIdOnWire = RtmpWireForm.PlayStreamId;
        var reset = Status("status", "NetStream.Play.Reset", "Playing and resetting stream.");
        var start = Status("status", "NetStream.Play.Start", "Started playing stream.");
        await SendMessagesAsync((w, o) =>
        {
            RtmpControl.StreamBegin(w, o, streamIdOnWire);
            WriteCommand(w, o, StreamCsid, streamIdOnWire, "onStatus", 0, null, reset);
            WriteCommand(w, o, StreamCsid, streamIdOnWire, "onStatus", 0, null, start);
            WriteData(w, o, StreamCsid, streamIdOnWire, "|RtmpSampleAccess", true, true);
        });

        if (_gateway.Options.PlayerSendBufferBytes > 0)
        {
            _socket.SendBufferSize = _gateway.Options.PlayerSendBufferBytes;
        }
        // Media sends try a non-blocking send first (SendSegmentsAsync); async operations are unaffected.
        _socket.Blocking = false;
        _playLoop = PlayLoopAsync(play);
    }

    private async Task PlayLoopAsync(PlaySession play)
    {
        await Task.Yield();
        var player = play.Queue;
        var segments = new List<ArraySegment<byte>>(128);
        var chunkSize = _gateway.Options.OutChunkSize;
        var sendTimeout = TimeSpan.FromSeconds(_gateway.Options.SendTimeoutSeconds);
        try
        {
            await QueueReader.RunAsync(player, async batch =>
            {
                var bytes = 0;
                foreach (var frame in batch)
                {
                    if (!_paused)
                    {
                        var form = RtmpWireForm.Of(frame, chunkSize);
                        segments.AddRange(form.Segments);
                        bytes += form.TotalBytes;
                    }
                }
                if (bytes > 0)
                {
                    await SendSegmentsAsync(segments, bytes, sendTimeout);
                    player.AddSent(bytes);
                }
                segments.Clear();
                return true;
            });
            if (player.End == PlayerEnd.Unpublished)
            {
                _logger.LogInformation("Stream {Url} unpublished; ending player", play.Address.Url);
                var info = Status("status", "NetStream.Play.UnpublishNotify", "stream is unpublished.");
                await SendMessagesAsync((w, o) =>
                {
                    WriteCommand(w, o, StreamCsid, RtmpWireForm.PlayStreamId, "onStatus", 0, null, info);
                    RtmpControl.StreamEof(w, o, RtmpWireForm.PlayStreamId);
                });
            }
        }
        catch (TimeoutException)
        {
            _logger.LogWarning("RTMP player send stalled for {Timeout}; closing", sendTimeout);
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
    private void OnPlayerDropped(PlayerQueue player)
    {
        using (_logger.BeginScope(LogScopes.Client, ClientId))
        {
            _logger.LogWarning("RTMP player too slow: skipped ahead {Skips} times, {Dropped} frames dropped; closing", player.Skips, player.DroppedFrames);
        }
        Kick();
    }

    /// <summary>One vectored send of shared frame memory; a send stuck past the timeout ends the player.</summary>
    private async Task SendSegmentsAsync(List<ArraySegment<byte>> segments, int bytes, TimeSpan timeout)
    {
        await _sendLock.WaitAsync(_closed.Token);
        try
        {
            // The player socket is non-blocking: a batch that fits in the kernel buffer (nearly every
            // one) goes out in this call, without the Task, event args and timeout timer of an async
            // send; only the rest of a batch that did not fit waits asynchronously.
            var sent = _socket.Send(segments, SocketFlags.None, out var error);
            if (error is not (SocketError.Success or SocketError.WouldBlock))
            {
                throw new SocketException((int)error);
            }
            if (sent < bytes)
            {
                DropSentBytes(segments, sent);
                await _socket.SendAsync(segments, SocketFlags.None).WaitAsync(timeout, _closed.Token);
            }
            Interlocked.Add(ref _sentBytes, bytes);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Removes the first <paramref name="count"/> bytes from a list of segments.</summary>
    internal static void DropSentBytes(List<ArraySegment<byte>> segments, int count)
    {
        var whole = 0;
        while (whole < segments.Count && count >= segments[whole].Count)
        {
            count -= segments[whole].Count;
            whole++;
        }
        segments.RemoveRange(0, whole);
        if (count > 0)
        {
            segments[0] = segments[0][count..];
        }
    }

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
