using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc;

/// <summary>
/// Linux <c>sendmmsg</c>: a player's datagrams of one batch (a frame is several RTP packets) to its
/// address in one system call instead of one each, which is most of what a WebRTC player costs the
/// server. Consecutive datagrams of one size (a frame's FU-A fragments, the last one may be shorter)
/// go as one message with UDP generic segmentation offload (<c>UDP_SEGMENT</c>, Linux 4.18): the
/// kernel walks its send path once for the run and cuts it into the same datagrams. The batch lives in
/// pinned buffers per sending thread: it is built and sent within one synchronous call, so threads
/// never share one. Elsewhere, or if the call fails, datagrams go one by one (and without segmentation
/// offload if only that fails).
/// </summary>
internal sealed class UdpMultiSend
{
    public const int MaxDatagrams = 64;
    public const int MaxDatagramSize = 1500;

    private const int AddressFamilyInet = 2;
    private const int AddressFamilyInet6 = 10;
    private const int WouldBlock = 11;

    // cmsghdr (8-byte length, level, type) and a 2-byte segment size, padded to 8: CMSG_SPACE(2).
    private const int ControlSpace = 24;
    private const int ControlLength = 18;
    private const int SolUdp = 17;
    private const int UdpSegment = 103;

    // The kernel's limit of segments in one UDP GSO send (UDP_MAX_SEGMENTS) and of its payload.
    private const int MaxSegments = 64;
    private const int MaxSegmentedBytes = 65000;

    [ThreadStatic]
    private static UdpMultiSend? t_current;

    private static bool s_unavailable = !OperatingSystem.IsLinux();
    private static bool s_segmentationUnavailable;

    private readonly byte[] _data = GC.AllocateArray<byte>(MaxDatagrams * MaxDatagramSize, pinned: true);
    private readonly IoVec[] _iov = GC.AllocateArray<IoVec>(MaxDatagrams, pinned: true);
    private readonly MMsgHdr[] _headers = GC.AllocateArray<MMsgHdr>(MaxDatagrams, pinned: true);
    private readonly byte[] _control = GC.AllocateArray<byte>(MaxDatagrams * ControlSpace, pinned: true);
    private readonly int[] _lengths = new int[MaxDatagrams];
    // Datagrams in each message of the last send, to count what went when only some messages did.
    private readonly int[] _perMessage = new int[MaxDatagrams];
    private readonly IntPtr _dataAddress;
    private readonly IntPtr _iovAddress;
    private readonly IntPtr _headersAddress;
    private readonly IntPtr _controlAddress;
    private int _count;

    private UdpMultiSend()
    {
        _dataAddress = Marshal.UnsafeAddrOfPinnedArrayElement(_data, 0);
        _iovAddress = Marshal.UnsafeAddrOfPinnedArrayElement(_iov, 0);
        _headersAddress = Marshal.UnsafeAddrOfPinnedArrayElement(_headers, 0);
        _controlAddress = Marshal.UnsafeAddrOfPinnedArrayElement(_control, 0);
    }

    /// <summary>Whether runs of equal datagrams go as one segmented message (false off Linux or once the kernel refused it).</summary>
    public static bool SegmentationAvailable => !s_unavailable && !s_segmentationUnavailable;

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
        var messages = Prepare(name, (uint)address.Length, count, segment: !s_segmentationUnavailable);
        try
        {
            var (sent, error) = SendMessages(socket, messages);
            if (sent < 0 && error != WouldBlock && !s_segmentationUnavailable && messages < count)
            {
                // A kernel or device without UDP segmentation offload: plain datagrams from now on.
                s_segmentationUnavailable = true;
                messages = Prepare(name, (uint)address.Length, count, segment: false);
                (sent, error) = SendMessages(socket, messages);
            }
            if (sent < 0)
            {
                // A full socket buffer loses the batch, as the wire would; anything else: one by one from now on.
                s_unavailable = error != WouldBlock;
                return error == WouldBlock ? 0 : -1;
            }
            return sent;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or ObjectDisposedException)
        {
            s_unavailable = ex is not ObjectDisposedException;
            return ex is ObjectDisposedException ? 0 : -1;
        }
    }

    /// <summary>One message per datagram, or with <paramref name="segment"/> one per run of equal-size
    /// datagrams (the run's last may be shorter); returns the number of messages.</summary>
    private int Prepare(IntPtr name, uint nameLength, int count, bool segment)
    {
        var iovSize = Marshal.SizeOf<IoVec>();
        for (var i = 0; i < count; i++)
        {
            _iov[i] = new IoVec { Base = _dataAddress + (i * MaxDatagramSize), Length = (nuint)_lengths[i] };
        }
        var messages = 0;
        for (var first = 0; first < count; messages++)
        {
            var size = _lengths[first];
            var run = 1;
            var bytes = size;
            while (segment && first + run < count && run < MaxSegments && bytes + _lengths[first + run] <= MaxSegmentedBytes
                && _lengths[first + run] <= size && _lengths[first + run - 1] == size)
            {
                bytes += _lengths[first + run];
                run++;
            }
            var header = new MMsgHdr { Name = name, NameLength = nameLength, Iov = _iovAddress + (first * iovSize), IovLength = (nuint)run };
            if (run > 1)
            {
                var control = _control.AsSpan(messages * ControlSpace, ControlSpace);
                control.Clear();
                BinaryPrimitives.WriteUInt64LittleEndian(control, ControlLength);
                BinaryPrimitives.WriteInt32LittleEndian(control[8..], SolUdp);
                BinaryPrimitives.WriteInt32LittleEndian(control[12..], UdpSegment);
                BinaryPrimitives.WriteUInt16LittleEndian(control[16..], (ushort)size);
                header.Control = _controlAddress + (messages * ControlSpace);
                header.ControlLength = ControlSpace;
            }
            _headers[messages] = header;
            _perMessage[messages] = run;
            first += run;
        }
        return messages;
    }

    /// <summary>Sends the prepared messages: the datagrams that went, or -1 and the error if none did.</summary>
    private (int Datagrams, int Error) SendMessages(Socket socket, int messages)
    {
        var done = 0;
        var datagrams = 0;
        while (done < messages)
        {
            var sent = sendmmsg((int)socket.Handle, _headersAddress + (done * Marshal.SizeOf<MMsgHdr>()), (uint)(messages - done), 0);
            if (sent <= 0)
            {
                var error = Marshal.GetLastPInvokeError();
                return done == 0 ? (-1, error) : (datagrams, 0);
            }
            for (var i = done; i < done + sent; i++)
            {
                datagrams += _perMessage[i];
            }
            done += sent;
        }
        return (datagrams, 0);
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
