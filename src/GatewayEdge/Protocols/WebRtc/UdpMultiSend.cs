using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc;

/// <summary>
/// Linux <c>sendmmsg</c>: a player's datagrams of one batch (a frame is several RTP packets) to its
/// address in one system call instead of one each, which is most of what a WebRTC player costs the
/// server. The batch lives in pinned buffers per sending thread: it is built and sent within one
/// synchronous call, so threads never share one. Elsewhere, or if the call fails, datagrams go one by one.
/// </summary>
internal sealed class UdpMultiSend
{
    public const int MaxDatagrams = 64;
    public const int MaxDatagramSize = 1500;

    private const int AddressFamilyInet = 2;
    private const int AddressFamilyInet6 = 10;
    private const int WouldBlock = 11;

    [ThreadStatic]
    private static UdpMultiSend? t_current;

    private static bool s_unavailable = !OperatingSystem.IsLinux();

    private readonly byte[] _data = GC.AllocateArray<byte>(MaxDatagrams * MaxDatagramSize, pinned: true);
    private readonly IoVec[] _iov = GC.AllocateArray<IoVec>(MaxDatagrams, pinned: true);
    private readonly MMsgHdr[] _headers = GC.AllocateArray<MMsgHdr>(MaxDatagrams, pinned: true);
    private readonly int[] _lengths = new int[MaxDatagrams];
    private readonly IntPtr _dataAddress;
    private readonly IntPtr _iovAddress;
    private readonly IntPtr _headersAddress;
    private int _count;

    private UdpMultiSend()
    {
        _dataAddress = Marshal.UnsafeAddrOfPinnedArrayElement(_data, 0);
        _iovAddress = Marshal.UnsafeAddrOfPinnedArrayElement(_iov, 0);
        _headersAddress = Marshal.UnsafeAddrOfPinnedArrayElement(_headers, 0);
    }

    /// <summary>This thread's batch, empty.</summary>
    public static UdpMultiSend ForThisThread()
    {
        var batch = t_current ??= new UdpMultiSend();
        batch._count = 0;
        return batch;
    }

    /// <summary>Whether sendmmsg is in use (false off Linux or after it failed once).</summary>
    public static bool NativeAvailable => !s_unavailable;

    public int Count => _count;

    /// <summary>Bytes of the datagrams waiting to be sent.</summary>
    public long BytesPending
    {
        get
        {
            long bytes = 0;
            for (var i = 0; i < _count; i++)
            {
                bytes += _lengths[i];
            }
            return bytes;
        }
    }

    public bool IsFull => _count == MaxDatagrams;

    /// <summary>Room for the next datagram (at most <see cref="MaxDatagramSize"/> bytes).</summary>
    public Span<byte> Next => _data.AsSpan(_count * MaxDatagramSize, MaxDatagramSize);

    /// <summary>The datagram written into <see cref="Next"/> is <paramref name="length"/> bytes long.</summary>
    public void Commit(int length) => _lengths[_count++] = length;

    /// <summary>Sends every datagram of the batch to <paramref name="path"/> and empties it; the number that went.</summary>
    public int Flush(IRtcPeerPath path)
    {
        var count = _count;
        _count = 0;
        if (count == 0)
        {
            return 0;
        }
        if (path is RtcUdpPath udp && !s_unavailable && udp.NativeAddress is { } address)
        {
            var sent = SendMany(udp.Socket, address, count);
            if (sent >= 0)
            {
                return sent;
            }
        }
        var went = 0;
        for (var i = 0; i < count; i++)
        {
            went += path.Send(_data.AsSpan(i * MaxDatagramSize, _lengths[i])) ? 1 : 0;
        }
        return went;
    }

    /// <summary>The peer's address as the kernel takes it (sockaddr_in / sockaddr_in6), pinned; null if not IP.</summary>
    public static byte[]? NativeAddressOf(IPEndPoint endPoint)
    {
        if (endPoint.AddressFamily == AddressFamily.InterNetwork)
        {
            var address = GC.AllocateArray<byte>(16, pinned: true);
            BinaryPrimitives.WriteUInt16LittleEndian(address, AddressFamilyInet);
            BinaryPrimitives.WriteUInt16BigEndian(address.AsSpan(2), (ushort)endPoint.Port);
            endPoint.Address.TryWriteBytes(address.AsSpan(4), out _);
            return address;
        }
        if (endPoint.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var address = GC.AllocateArray<byte>(28, pinned: true);
            BinaryPrimitives.WriteUInt16LittleEndian(address, AddressFamilyInet6);
            BinaryPrimitives.WriteUInt16BigEndian(address.AsSpan(2), (ushort)endPoint.Port);
            endPoint.Address.TryWriteBytes(address.AsSpan(8), out _);
            BinaryPrimitives.WriteUInt32LittleEndian(address.AsSpan(24), (uint)endPoint.Address.ScopeId);
            return address;
        }
        return null;
    }

    /// <summary>-1 when the call is unusable here (then the caller sends one by one).</summary>
    private int SendMany(Socket socket, byte[] address, int count)
    {
        var name = Marshal.UnsafeAddrOfPinnedArrayElement(address, 0);
        for (var i = 0; i < count; i++)
        {
            _iov[i] = new IoVec { Base = _dataAddress + (i * MaxDatagramSize), Length = (nuint)_lengths[i] };
            _headers[i] = new MMsgHdr { Name = name, NameLength = (uint)address.Length, Iov = _iovAddress + (i * Marshal.SizeOf<IoVec>()), IovLength = 1 };
        }
        var done = 0;
        try
        {
            while (done < count)
            {
                var sent = sendmmsg((int)socket.Handle, _headersAddress + (done * Marshal.SizeOf<MMsgHdr>()), (uint)(count - done), 0);
                if (sent <= 0)
                {
                    // A full socket buffer loses the rest, as the wire would; anything else: one by one from now on.
                    if (Marshal.GetLastPInvokeError() != WouldBlock)
                    {
                        s_unavailable = done == 0;
                        return done == 0 ? -1 : done;
                    }
                    return done;
                }
                done += sent;
            }
            return done;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or ObjectDisposedException)
        {
            s_unavailable = ex is not ObjectDisposedException;
            return ex is ObjectDisposedException ? 0 : -1;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int sendmmsg(int socket, IntPtr messages, uint count, int flags);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public IntPtr Base;
        public nuint Length;
    }

    /// <summary>struct mmsghdr on 64-bit Linux: a struct msghdr (56 bytes) and the kernel's byte count.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 64)]
    private struct MMsgHdr
    {
        [FieldOffset(0)] public IntPtr Name;
        [FieldOffset(8)] public uint NameLength;
        [FieldOffset(16)] public IntPtr Iov;
        [FieldOffset(24)] public nuint IovLength;
        [FieldOffset(32)] public IntPtr Control;
        [FieldOffset(40)] public nuint ControlLength;
        [FieldOffset(48)] public int Flags;
        [FieldOffset(56)] public uint Length;
    }
}
