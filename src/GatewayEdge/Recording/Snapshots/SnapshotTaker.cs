using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;
using OrleansLive.Media.Codecs;

namespace OrleansLive.GatewayEdge.Recording.Snapshots;

/// <summary>
/// The snapshots of one publish. Sees the stream's frames (on a <see cref="HubTap"/>'s drain task, never
/// the publisher's), keeps the video decoder configuration, and hands the first keyframe after each
/// interval to the decoder on the thread pool: at most one decode in flight for the stream, within the
/// gateway's <see cref="SnapshotDecodes"/>. Each picture replaces the hub's <see cref="StreamHub.Snapshot"/>;
/// the last one goes when the publish ends. A keyframe that comes while a decode runs is skipped, so a
/// slow decoder lowers the rate instead of queueing work.
/// </summary>
public sealed class SnapshotTaker : IAsyncDisposable
{
    private readonly StreamHub _hub;
    private readonly SnapshotSettings _settings;
    private readonly ISnapshotDecoder _decoder;
    private readonly SnapshotDecodes _slots;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private VideoDecoderConfig? _config;
    private VideoCodecId _unsupported;
    private long? _nextDue;
    private Task _decode = Task.CompletedTask;
    private SnapshotPicture? _latest;
    private bool _failing;
    private bool _disposed;

    public SnapshotTaker(StreamHub hub, SnapshotSettings settings, ISnapshotDecoder decoder, SnapshotDecodes slots, ILogger logger, TimeProvider? time = null)
    {
        _hub = hub;
        _settings = settings;
        _decoder = decoder;
        _slots = slots;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Snapshots taken so far.</summary>
    public int Taken { get; private set; }

    /// <summary>Decodes that made no picture.</summary>
    public int Failed { get; private set; }

    /// <summary>The decode in flight, or a completed task (for tests).</summary>
    public Task Decoding
    {
        get
        {
            lock (_gate)
            {
                return _decode;
            }
        }
    }

    /// <summary>Runs on the tap's drain task for each frame of the stream.</summary>
    public void OnFrame(MediaFrame frame)
    {
        if (!frame.IsVideo || frame.IsConverted)
        {
            return;
        }
        var header = frame.Header;
        if (header.IsConfig)
        {
            TakeConfig(header.VideoCodec, frame.Sample.Data.Span);
            return;
        }
        if (!header.IsKeyframe || _config is not { } config || config.Codec != header.VideoCodec)
        {
            return;
        }
        var now = _time.GetTimestamp();
        if (_nextDue is { } due && now < due)
        {
            return;
        }
        lock (_gate)
        {
            if (_disposed || !_decode.IsCompleted || !_slots.TryTake())
            {
                return;
            }
            var input = KeyframeByteStream.Build(config, frame.Sample.Data.Span);
            if (input.Length == 0)
            {
                _slots.Release();
                return;
            }
            _nextDue = now + (long)(_settings.IntervalSeconds * _time.TimestampFrequency);
            _decode = Task.Run(() => DecodeAsync(input, config.Codec, _time.GetUtcNow().UtcDateTime));
        }
    }

    private void TakeConfig(VideoCodecId codec, ReadOnlySpan<byte> record)
    {
        if (VideoDecoderConfig.TryParse(codec, record, out var config))
        {
            _config = config;
            return;
        }
        _config = null;
        if (_unsupported != codec)
        {
            _unsupported = codec;
            _logger.LogInformation("No snapshots of {Stream}: its {Codec} video is not H.264 or HEVC with a valid decoder configuration", _hub.Key, codec);
        }
    }

    private async Task DecodeAsync(byte[] input, VideoCodecId codec, DateTime takenUtc)
    {
        try
        {
            var jpeg = await _decoder.DecodeAsync(input, codec, _settings, _stop.Token).ConfigureAwait(false);
            if (!JpegHeader.TryReadSize(jpeg, out var width, out var height))
            {
                throw new SnapshotDecodeException($"the decoder's {jpeg.Length} bytes are not a JPEG");
            }
            var picture = new SnapshotPicture(jpeg, takenUtc, width, height);
            lock (_gate)
            {
                if (_disposed || !_hub.ReplaceSnapshot(_latest, picture))
                {
                    return;
                }
                _latest = picture;
                Taken++;
            }
            if (_failing || Taken == 1)
            {
                _logger.LogInformation("Snapshot of {Stream}: {Width}x{Height}, {Bytes} bytes", _hub.Key, width, height, jpeg.Length);
            }
            _failing = false;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The publish ended mid-decode.
        }
        catch (Exception ex)
        {
            Failed++;
            // One warning per run of failures, the repeats at debug: a broken decoder every 10 s is one line.
            var level = _failing ? LogLevel.Debug : LogLevel.Warning;
            _failing = true;
            _logger.Log(level, "Snapshot of {Stream} failed ({Codec}, {Bytes} bytes in): {Reason}", _hub.Key, codec, input.Length,
                ex is SnapshotDecodeException ? ex.Message : ex.ToString());
        }
        finally
        {
            _slots.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task decode;
        lock (_gate)
        {
            _disposed = true;
            decode = _decode;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        await decode.ConfigureAwait(false);
        lock (_gate)
        {
            if (_latest is not null)
            {
                _hub.ReplaceSnapshot(_latest, null);
            }
        }
        _stop.Dispose();
    }
}
