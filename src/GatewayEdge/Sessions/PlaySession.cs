using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.GatewayEdge.Sessions;

/// <summary>An admitted player: its queue on the stream's hub. Disposing leaves the hub and tells the stream grain.</summary>
public sealed class PlaySession : IDisposable
{
    private readonly StreamSessions _owner;
    private int _disposed;

    internal PlaySession(StreamSessions owner, ClientSession client, StreamHub hub, StreamAddress address, PlayerQueue queue)
    {
        _owner = owner;
        Client = client;
        Hub = hub;
        Address = address;
        Queue = queue;
    }

    public ClientSession Client { get; }

    public StreamHub Hub { get; }

    public StreamAddress Address { get; }

    public PlayerQueue Queue { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _owner.EndPlay(this);
        }
    }
}
