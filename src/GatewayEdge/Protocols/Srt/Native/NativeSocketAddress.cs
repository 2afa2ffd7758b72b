using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace OrleansLive.GatewayEdge.Protocols.Srt.Native;

/// <summary>Converts between <see cref="IPEndPoint"/> and the platform's sockaddr bytes, which .NET's
/// <see cref="SocketAddress"/> already lays out natively.</summary>
internal static class NativeSocketAddress
{
    /// <summary>Big enough for sockaddr_in6 (and sockaddr_storage's useful part).</summary>
    public const int MaxSize = 128;

    private const int SockaddrIn6Size = 28;
    private const int SockaddrInSize = 16;

    public static byte[] From(IPEndPoint endPoint) => endPoint.Serialize().Buffer.ToArray();

    public static IPEndPoint? Read(ReadOnlySpan<byte> sockaddr)
    {
        if (sockaddr.Length < 2)
        {
            return null;
        }
        var probe = new SocketAddress(AddressFamily.InterNetwork, Math.Max(sockaddr.Length, SockaddrInSize));
        sockaddr.CopyTo(probe.Buffer.Span);
        var family = probe.Family;
        if (family != AddressFamily.InterNetwork && family != AddressFamily.InterNetworkV6)
        {
            return null;
        }
        var size = family == AddressFamily.InterNetworkV6 ? SockaddrIn6Size : SockaddrInSize;
        if (sockaddr.Length < size)
        {
            return null;
        }
        var address = new SocketAddress(family, size);
        sockaddr[..size].CopyTo(address.Buffer.Span);
        var template = family == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        return (IPEndPoint)template.Create(address);
    }

    /// <summary>Reads a sockaddr libsrt handed to a callback: libsrt passes its sockaddr_any union,
    /// which always has room for a sockaddr_in6.</summary>
    public static IPEndPoint? Read(nint sockaddr)
    {
        if (sockaddr == 0)
        {
            return null;
        }
        var bytes = new byte[SockaddrIn6Size];
        Marshal.Copy(sockaddr, bytes, 0, bytes.Length);
        return Read(bytes);
    }
}
