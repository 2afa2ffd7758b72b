using Microsoft.Extensions.Logging;
using Orleans.Streams;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>
/// HLS of one stream: receives each closed segment from the gateway writing them and publishes it
/// on the stream's on_hls event stream. Keeps the last few segments in memory only.
/// </summary>
public sealed class HlsGrain(ILogger<HlsGrain> logger) : Grain, IHlsGrain
{
    private const int Keep = 32;
    private readonly Queue<HlsSegmentEvent> _recent = new();

    public async Task SegmentClosed(HlsSegmentEvent segment)
    {
        _recent.Enqueue(segment);
        while (_recent.Count > Keep)
        {
            _recent.Dequeue();
        }
        try
        {
            var key = this.GetPrimaryKeyString();
            await this.GetStreamProvider(LiveEventStreams.Provider).GetStream<HlsSegmentEvent>(StreamId.Create(LiveEventStreams.HlsNamespace, key)).OnNextAsync(segment);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "on_hls event for {File} not published", segment.File);
        }
        // The stream grain turns it into SRS's on_hls callback (a notification; it returns at once).
        await GrainFactory.GetGrain<IStreamHookEvents>(this.GetPrimaryKeyString()).OnHls(new HlsHookSegment(
            segment.File, segment.Url, segment.M3u8, segment.M3u8Url, segment.SeqNo, segment.Duration, segment.Cwd, segment.Source.ClientId));
    }

    public Task<IReadOnlyList<HlsSegmentEvent>> RecentSegments() =>
        Task.FromResult<IReadOnlyList<HlsSegmentEvent>>([.. _recent]);
}
