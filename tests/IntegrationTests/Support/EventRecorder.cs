using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>Subscribes to one stream's on_hls or on_dvr events on the server's Orleans stream provider.</summary>
public sealed class EventRecorder<T> : IAsyncDisposable
{
    private StreamSubscriptionHandle<T>? _handle;

    private EventRecorder()
    {
    }

    public ConcurrentQueue<T> Received { get; } = new();

    public static async Task<EventRecorder<T>> SubscribeAsync(IServiceProvider services, string @namespace, string streamKey)
    {
        var recorder = new EventRecorder<T>();
        var stream = services.GetRequiredService<IClusterClient>().GetStreamProvider(LiveEventStreams.Provider)
            .GetStream<T>(StreamId.Create(@namespace, streamKey));
        recorder._handle = await stream.SubscribeAsync((item, _) =>
        {
            recorder.Received.Enqueue(item);
            return Task.CompletedTask;
        });
        return recorder;
    }

    public async ValueTask DisposeAsync()
    {
        if (_handle is not null)
        {
            await _handle.UnsubscribeAsync();
        }
    }
}
