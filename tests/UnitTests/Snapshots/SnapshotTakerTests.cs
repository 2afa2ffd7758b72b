using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Recording.Snapshots;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;
using OrleansLive.Media.Codecs;
using OrleansLive.UnitTests.Recording;

namespace OrleansLive.UnitTests.Snapshots;

public sealed class SnapshotTakerTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly StreamHub _hub = new("__defaultVhost__", "live", "s", new StreamHubOptions());
    private readonly ManualClock _clock = new();
    private readonly FakeDecoder _decoder = new();
    private readonly ListLogger _log = new();

    private SnapshotTaker Taker(SnapshotDecodes? slots = null, double interval = 10) =>
        new(_hub, new SnapshotSettings(Enabled: true, IntervalSeconds: interval), _decoder, slots ?? new SnapshotDecodes(2), _log, _clock);

    private static async Task Settled(SnapshotTaker taker) => await taker.Decoding.WaitAsync(Deadline);

    [Fact]
    public async Task The_first_keyframe_is_decoded_at_once_and_the_next_only_after_the_interval()
    {
        await using var taker = Taker();
        taker.OnFrame(SyntheticStream.VideoHeader());
        taker.OnFrame(SyntheticStream.Video(0, key: false));
        Assert.Equal(0, _decoder.Calls);

        taker.OnFrame(SyntheticStream.Video(40, key: true));
        await Settled(taker);
        Assert.Equal(1, _decoder.Calls);
        var first = Assert.IsType<SnapshotPicture>(_hub.Snapshot);
        Assert.Equal((64, 48), (first.Width, first.Height));
        Assert.Equal(_clock.GetUtcNow().UtcDateTime, first.TakenUtc);
        // What the decoder got: the parameter sets, then the keyframe, as a byte stream.
        Assert.Equal([7, 8, 5], _decoder.LastInput.Select(n => n & 0x1F));

        _clock.Advance(TimeSpan.FromSeconds(9));
        taker.OnFrame(SyntheticStream.Video(2000, key: true));
        Assert.Equal(1, _decoder.Calls);

        _clock.Advance(TimeSpan.FromSeconds(1));
        taker.OnFrame(SyntheticStream.Video(4000, key: true));
        await Settled(taker);
        Assert.Equal(2, _decoder.Calls);
        Assert.NotSame(first, _hub.Snapshot);
        Assert.Equal(2, taker.Taken);
    }

    [Fact]
    public async Task A_keyframe_that_comes_while_a_decode_runs_is_skipped()
    {
        await using var taker = Taker(interval: 1);
        _decoder.Hold = new TaskCompletionSource();
        taker.OnFrame(SyntheticStream.VideoHeader());
        taker.OnFrame(SyntheticStream.Video(0, key: true));
        await Wait(() => _decoder.Calls == 1);

        _clock.Advance(TimeSpan.FromSeconds(5));
        taker.OnFrame(SyntheticStream.Video(5000, key: true));
        Assert.Equal(1, _decoder.Calls);

        _decoder.Hold.SetResult();
        await Settled(taker);
        taker.OnFrame(SyntheticStream.Video(6000, key: true));
        await Settled(taker);
        Assert.Equal(2, _decoder.Calls);
    }

    [Fact]
    public async Task A_stream_that_finds_every_decode_slot_taken_tries_again_at_its_next_keyframe()
    {
        var slots = new SnapshotDecodes(1);
        Assert.True(slots.TryTake());
        await using var taker = Taker(slots);
        taker.OnFrame(SyntheticStream.VideoHeader());
        taker.OnFrame(SyntheticStream.Video(0, key: true));
        Assert.Equal(0, _decoder.Calls);

        slots.Release();
        taker.OnFrame(SyntheticStream.Video(2000, key: true));
        await Settled(taker);
        Assert.Equal(1, _decoder.Calls);
        Assert.Equal(0, slots.Running);
    }

    [Fact]
    public async Task Failures_log_one_warning_until_a_snapshot_succeeds_again()
    {
        await using var taker = Taker(interval: 1);
        _decoder.Fail = true;
        taker.OnFrame(SyntheticStream.VideoHeader());
        for (var i = 0; i < 3; i++)
        {
            taker.OnFrame(SyntheticStream.Video((uint)(i * 2000), key: true));
            await Settled(taker);
            _clock.Advance(TimeSpan.FromSeconds(2));
        }
        Assert.Equal(3, taker.Failed);
        Assert.Null(_hub.Snapshot);
        Assert.Equal(1, _log.Count(LogLevel.Warning, "Snapshot of"));
        Assert.Equal(2, _log.Count(LogLevel.Debug, "Snapshot of"));

        _decoder.Fail = false;
        taker.OnFrame(SyntheticStream.Video(8000, key: true));
        await Settled(taker);
        Assert.NotNull(_hub.Snapshot);
    }

    [Fact]
    public async Task The_snapshot_goes_when_the_publish_ends_and_a_decode_in_flight_is_cancelled()
    {
        var taker = Taker(interval: 1);
        taker.OnFrame(SyntheticStream.VideoHeader());
        taker.OnFrame(SyntheticStream.Video(0, key: true));
        await Settled(taker);
        Assert.NotNull(_hub.Snapshot);

        _decoder.Hold = new TaskCompletionSource();
        _clock.Advance(TimeSpan.FromSeconds(2));
        taker.OnFrame(SyntheticStream.Video(2000, key: true));
        await Wait(() => _decoder.Calls == 2);
        await taker.DisposeAsync().AsTask().WaitAsync(Deadline);

        Assert.Null(_hub.Snapshot);
        Assert.True(_decoder.Cancelled);
    }

    [Fact]
    public async Task Video_without_an_h264_or_hevc_configuration_is_never_decoded()
    {
        await using var taker = Taker();
        taker.OnFrame(SyntheticStream.Video(0, key: true));
        Assert.Equal(0, _decoder.Calls);
        Assert.Null(_hub.Snapshot);
    }

    private static async Task Wait(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "condition not met in time");
            await Task.Delay(10);
        }
    }

    private sealed class FakeDecoder : ISnapshotDecoder
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public List<byte> LastInput { get; private set; } = [];

        public volatile bool Fail;

        public volatile bool Cancelled;

        public TaskCompletionSource? Hold { get; set; }

        public async Task<byte[]> DecodeAsync(byte[] keyframe, VideoCodecId codec, SnapshotSettings settings, CancellationToken cancellationToken)
        {
            var nalTypes = new List<byte>();
            foreach (var nal in AnnexB.Split(keyframe))
            {
                nalTypes.Add(nal[0]);
            }
            LastInput = nalTypes;
            Interlocked.Increment(ref _calls);
            if (Hold is { } hold)
            {
                try
                {
                    await hold.Task.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    Cancelled = true;
                    throw;
                }
            }
            return Fail ? throw new SnapshotDecodeException("broken on purpose") : JpegHeaderTests.Minimal(64, 48);
        }
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _now.UtcTicks;

        public void Advance(TimeSpan by) => _now += by;
    }
}
