using OrleansLive.GatewayEdge.Protocols.WebRtc.Dtls;

namespace OrleansLive.UnitTests.Rtc.Dtls;

/// <summary>Two transports whose sends land in each other's queue, with an optional loss pattern per direction.</summary>
internal sealed class DatagramLink
{
    private int _clientSent;
    private int _serverSent;

    /// <param name="dropEvery">Drops every n-th datagram in each direction (0: none).</param>
    /// <param name="dropFromServer">Drops the server's datagrams it returns true for.</param>
    public DatagramLink(int dropEvery = 0, Func<byte[], bool>? dropFromServer = null)
    {
        Client = new QueuedDatagramTransport(datagram =>
        {
            if (!ShouldDrop(ref _clientSent, dropEvery))
                Server!.Enqueue(datagram);
        });
        Server = new QueuedDatagramTransport(datagram =>
        {
            if (!ShouldDrop(ref _serverSent, dropEvery) && dropFromServer?.Invoke(datagram.ToArray()) != true)
                Client.Enqueue(datagram);
        });
    }

    public QueuedDatagramTransport Client { get; }

    public QueuedDatagramTransport Server { get; }

    public int ClientSent => Volatile.Read(ref _clientSent);

    public int ServerSent => Volatile.Read(ref _serverSent);

    private static bool ShouldDrop(ref int counter, int dropEvery) =>
        Interlocked.Increment(ref counter) is var n && dropEvery > 0 && n % dropEvery == 0;
}
