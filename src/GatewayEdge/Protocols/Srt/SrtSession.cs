using System.Buffers;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Protocols.Srt;

/// <summary>
/// One SRT caller, the adapter between an <see cref="SrtConnection"/> and the session service: its
/// streamid says publish or play (SRS's conventions); a publisher's MPEG-TS goes through
/// <see cref="TsIngest"/> into the stream, a player gets the stream's shared TS form from the GOP
/// cache on (so it starts on a keyframe). Hooks, rules, limits and API records are the same as RTMP's.
/// </summary>
public sealed class SrtSession : IClientConnection
{
    // 376 KB of TS: encoders repeat PAT and PMT every 100 ms or so, far sooner than this.
    private const long NoMediaWarningPackets = 2000;

    private readonly SrtConnection _connection;
    private readonly GatewayContext _gateway;
    private readonly ILogger<SrtSession> _logger;

    public SrtSession(SrtConnection connection, GatewayContext gateway)
    {
        _connection = connection;
        _gateway = gateway;
        _logger = gateway.Loggers.CreateLogger<SrtSession>();
    }

    public string ClientId { get; } = Ids.NewClientId();

    public long SentBytes => _connection.BytesSent;

    public long RecvBytes => _connection.BytesReceived;

    public void Kick() => _connection.Close();

    public async Task RunAsync()
    {
        using var scope = _logger.BeginScope(LogScopes.Client, ClientId);
        var ip = _connection.RemoteEndPoint?.Address.ToString() ?? "";
        var sessions = _gateway.Sessions;
        var client = sessions.Begin(this, "srt", "SRT", ip, recordNow: true);
        var outcome = "closed by peer";
        try
        {
            // The listen callback refused what does not parse; a caller here always has a streamid.
            if (!SrtStreamId.TryParse(_connection.StreamId, _gateway.Options.Srt.DefaultApp, out var id, out var reason))
            {
                outcome = $"bad streamid '{_connection.StreamId}': {reason}";
                return;
            }
            var query = id.Param.Length > 0 ? "?" + id.Param : "";
            var address = StreamAddress.Resolve(id.Vhost, id.App, id.Stream + query, _gateway.KnownVhosts);
            client.TcUrl = $"srt://{(id.Vhost.Length > 0 ? id.Vhost : _gateway.Options.Host)}/{address.App}";
            (client.Vhost, client.App) = (address.Vhost, address.App);
            _logger.LogInformation("SRT client from {Ip}: {Mode} {Url} (streamid '{StreamId}')", ip, id.Mode == SrtMode.Publish ? "publish" : "play", address.Url, _connection.StreamId);
            if (await sessions.ConnectAsync(client, address) is { } refusal)
            {
                outcome = refusal;
                return;
            }
            outcome = id.Mode == SrtMode.Publish ? await PublishAsync(client, address) : await PlayAsync(client, address);
        }
        catch (Exception ex)
        {
            outcome = "internal error";
            _logger.LogError(ex, "SRT session failed");
        }
        finally
        {
            _connection.Close();
            var closed = await _connection.Closed;
            sessions.End(client);
            _logger.LogInformation("SRT client closed ({Outcome}; {Close}); sent {Sent} bytes, received {Recv} bytes", outcome, closed, SentBytes, RecvBytes);
        }
    }

    private async Task<string> PublishAsync(ClientSession client, StreamAddress address)
    {
        var result = await _gateway.Sessions.PublishAsync(client, address, "srt-publish", CancellationToken.None);
        if (result.Value is not { } publish)
        {
            return $"publish refused: {result.Refusal}";
        }
        await using (publish)
        {
            var ingest = new TsIngest(publish.Publish);
            var warned = false;
            await foreach (var message in _connection.Messages.ReadAllAsync())
            {
                using (message)
                {
                    ingest.Push(message.Span);
                }
                if (!warned && ingest.Frames == 0 && ingest.Counters.Packets >= NoMediaWarningPackets)
                {
                    // Said while it happens, not only at the end: the caller holds the stream name meanwhile.
                    warned = true;
                    _logger.LogWarning("SRT publish {Url} carries no playable media after {Packets} TS packets ({Pat} PAT, {Pmt} PMT): is the caller sending MPEG-TS with H.264/H.265 or AAC/MP3?",
                        address.Url, ingest.Counters.Packets, ingest.Counters.PatCount, ingest.Counters.PmtCount);
                }
            }
            ingest.Flush();
            var counters = ingest.Counters;
            if (ingest.Frames == 0)
            {
                _logger.LogWarning("SRT publish {Url} carried no playable media ({Packets} TS packets, {Pat} PAT, {Pmt} PMT)", address.Url, counters.Packets, counters.PatCount, counters.PmtCount);
            }
            if (counters.ContinuityErrors + counters.CrcErrors + counters.TransportErrors + counters.SyncLosses > 0 || ingest.Unsupported > 0)
            {
                _logger.LogWarning("SRT publish {Url} input damage: {Continuity} continuity, {Crc} CRC, {Transport} transport errors, {Sync} sync losses, {Unsupported} samples of codecs FLV cannot carry",
                    address.Url, counters.ContinuityErrors, counters.CrcErrors, counters.TransportErrors, counters.SyncLosses, ingest.Unsupported);
            }
            return $"publish ended after {ingest.Frames} frames";
        }
    }

    private async Task<string> PlayAsync(ClientSession client, StreamAddress address)
    {
        var tooSlow = false;
        var queue = _gateway.Sessions.NewPlayerQueue(client, readsTsForm: true, _ =>
        {
            tooSlow = true;
            _connection.Close();
        });
        var result = await _gateway.Sessions.PlayAsync(client, address, "srt-play", queue);
        if (result.Value is not { } play)
        {
            return $"play refused: {result.Refusal}";
        }
        using (play)
        {
            // Not disposed: a send that finds the connection broken ends the reader before Closed completes,
            // and disposing an unfinished task throws (the player's leave was logged as an internal error).
            _ = _connection.Closed.ContinueWith(_ => queue.Complete(PlayerEnd.Closed), TaskScheduler.Default);
            var output = new ArrayBufferWriter<byte>(64 * 1024);
            var dropped = false;
            await QueueReader.RunAsync(queue, batch =>
            {
                // One batch goes out as whole SRT messages of 7 TS packets, not one short message per frame.
                output.ResetWrittenCount();
                foreach (var frame in batch)
                {
                    if (frame.TsForm is { } form)
                    {
                        output.Write(form.Packets.Span);
                    }
                }
                var sent = _connection.SendSplit(output.WrittenSpan);
                queue.AddSent(output.WrittenCount);
                if (sent == SrtSendResult.Dropped)
                {
                    // libsrt's send buffer holds more than a second of media: a player that fills it
                    // is behind, and goes on from the next keyframe (dropped if it keeps falling behind).
                    dropped = true;
                    queue.SkipToNextKeyframe();
                }
                return ValueTask.FromResult(sent != SrtSendResult.Closed);
            });
            return tooSlow ? $"player too slow: send buffer full, skipped ahead {queue.Skips} times" : queue.End == PlayerEnd.Unpublished ? "stream unpublished"
                : dropped ? $"player left (skipped ahead {queue.Skips} times on a full send buffer)" : "player left";
        }
    }
}
