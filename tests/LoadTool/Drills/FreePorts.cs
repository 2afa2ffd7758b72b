using System.Net;
using System.Net.Sockets;

namespace OrleansLive.LoadTool.Drills;

/// <summary>Loopback ports nothing uses right now, for the processes a drill starts. A port is handed
/// out once per process: the system may offer a port again as soon as its probe socket is closed.</summary>
public static class FreePorts
{
    private static readonly HashSet<int> Given = [];

    public static int Tcp() => Unique(() =>
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    });

    public static int Udp() => Unique(() =>
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
    });

    private static int Unique(Func<int> probe)
    {
        lock (Given)
        {
            while (true)
            {
                var port = probe();
                if (Given.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
