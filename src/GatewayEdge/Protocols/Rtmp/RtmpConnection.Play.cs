using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Amf;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>The playing side: a queue of shared frames drained by vectored socket sends.</summary>
public sealed partial class RtmpConnection
{
    /// <summary>Upper bound of payload bytes per vectored send.</summary>
    private const int SendBatchBytes = 256 * 1024;

    private PlayerQueue? _player;
    private StreamHub? _playHub;
    private StreamAddress? _playAddress;
    private Task? _playLoop;
    private volatile bool _paused;

    private async Task OnPlayAsync(RtmpCommand command)
    {
        if (_publishHub is not null || _player is not null)
        {
            throw new RtmpProtocolException("'play' on a connection that already publishes or plays");
        }
        var address = ResolveStream(command, "play");
        var hubOptions = await _gateway.HubOptionsFor(address.Vhost, _logger);
        var claim = new PlayClaim(ClientId, Cluster.GatewayId, _ip, _tcUrl ?? "", _pageUrl ?? "", address.Param);
        var verdict = await Cluster.Stream(address.Key).PlayerJoined(claim);
        if (!verdict.Allowed)
        {
            // As SRS: a refused player is closed, without a status message (the close is logged).
            throw new RtmpProtocolException($"play refused: {verdict.Reason}");
        }
        var streamId = verdict.StreamId;
        OpenSession("rtmp-play", publish: false, address, streamId);
        _logger.LogInformation("RTMP play {Url}", address.Url);

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
        var player = new PlayerQueue(ClientId, _gateway.PlayerLimits) { Dropped = OnPlayerDropped };
        var hub = _gateway.Hubs.Rent(address.Vhost, address.App, address.Stream, hubOptions);
        _player = player;
        _playHub = hub;
        _playAddress = address;
        hub.AddPlayer(player);
        if (hub.PublisherClientId is null)
        {
            _gateway.EdgePulls.Poke();
        }
        _playLoop = PlayLoopAsync(player);
    }

    private async Task PlayLoopAsync(PlayerQueue player)
    {
        await Task.Yield();
        var batch = new List<MediaFrame>(64);
        var segments = new List<ArraySegment<byte>>(128);
        var chunkSize = _gateway.Options.OutChunkSize;
        var sendTimeout = TimeSpan.FromSeconds(_gateway.Options.SendTimeoutSeconds);
        try
        {
            while (await player.WaitAsync())
            {
                player.Drain(batch, SendBatchBytes);
                var bytes = 0;
                foreach (var frame in batch)
                {
                    if (_paused)
                    {
                        continue;
                    }
                    var form = frame.GetRtmpForm(chunkSize);
                    segments.AddRange(form.Segments);
                    bytes += form.TotalBytes;
                }
                if (bytes > 0)
                {
                    await SendSegmentsAsync(segments, bytes, sendTimeout);
                    player.AddSent(bytes);
                }
                foreach (var frame in batch)
                {
                    frame.Release();
                }
                batch.Clear();
                segments.Clear();
            }
            if (player.End == PlayerEnd.Unpublished)
            {
                _logger.LogInformation("Stream {Url} unpublished; ending player", _playAddress?.Url);
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
            foreach (var frame in batch)
            {
                frame.Release();
            }
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
        var player = _player;
        var hub = _playHub;
        var address = _playAddress;
        if (player is null || hub is null || address is null)
        {
            return;
        }
        _player = null;
        _playHub = null;
        _playAddress = null;
        player.Complete(PlayerEnd.Closed);
        hub.RemovePlayer(player);
        _gateway.Hubs.Return(hub);
        if (_playLoop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }
        Cluster.Fire(() => Cluster.Stream(address.Key).PlayerLeft(ClientId), "player left");
    }
}
