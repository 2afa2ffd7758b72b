using System.Runtime.InteropServices;

namespace OrleansLive.GatewayEdge.Protocols.Srt.Native;

/// <summary>
/// The part of libsrt's C API (srt.h, 1.5) the SRT server uses. Signatures stay blittable (ints,
/// pointers, <c>ref</c> to the first byte of a span) so no unsafe code is needed; strings the library
/// owns come back as pointers and are read with <see cref="Marshal.PtrToStringUTF8(nint)"/>.
/// </summary>
internal static class LibSrt
{
    // Debian's libsrt1.5-openssl (and Fedora, Alpine) ship the runtime library under this soname.
    private const string Lib = "libsrt.so.1.5";

    public const int Error = -1;
    public const int InvalidSocket = -1;

    /// <summary>srt_listen_callback_fn: called on libsrt's receiver thread when a caller's conclusion
    /// handshake arrives, before the connection is accepted; a negative return rejects it.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate int ListenCallback(nint opaque, int newSocket, int hsVersion, nint peerAddress, nint streamId);

    /// <summary>SRT_LOG_HANDLER_FN: called on whichever libsrt thread logs.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void LogHandler(nint opaque, int level, nint file, int line, nint area, nint message);

    [DllImport(Lib)]
    public static extern int srt_startup();

    [DllImport(Lib)]
    public static extern int srt_cleanup();

    [DllImport(Lib)]
    public static extern int srt_create_socket();

    [DllImport(Lib)]
    public static extern int srt_bind(int u, byte[] name, int nameLength);

    [DllImport(Lib)]
    public static extern int srt_listen(int u, int backlog);

    [DllImport(Lib)]
    public static extern int srt_accept(int u, [Out] byte[] address, ref int addressLength);

    [DllImport(Lib)]
    public static extern int srt_listen_callback(int listener, ListenCallback hook, nint opaque);

    [DllImport(Lib)]
    public static extern int srt_connect(int u, byte[] name, int nameLength);

    [DllImport(Lib)]
    public static extern int srt_close(int u);

    [DllImport(Lib)]
    public static extern int srt_getsockname(int u, [Out] byte[] name, ref int nameLength);

    [DllImport(Lib)]
    public static extern SrtSocketStatus srt_getsockstate(int u);

    [DllImport(Lib)]
    public static extern int srt_setsockflag(int u, SrtOption option, ref int value, int length);

    [DllImport(Lib)]
    public static extern int srt_setsockflag(int u, SrtOption option, ref long value, int length);

    [DllImport(Lib)]
    public static extern int srt_setsockflag(int u, SrtOption option, byte[] value, int length);

    [DllImport(Lib)]
    public static extern int srt_getsockflag(int u, SrtOption option, ref int value, ref int length);

    [DllImport(Lib)]
    public static extern int srt_getsockflag(int u, SrtOption option, [Out] byte[] value, ref int length);

    /// <summary>Receives one live message into the buffer starting at <paramref name="buffer"/>.</summary>
    [DllImport(Lib)]
    public static extern int srt_recvmsg(int u, ref byte buffer, int length);

    /// <summary>Sends one message; <paramref name="messageControl"/> may be zero for the defaults.</summary>
    [DllImport(Lib)]
    public static extern int srt_sendmsg2(int u, ref byte buffer, int length, nint messageControl);

    [DllImport(Lib)]
    public static extern int srt_bstats(int u, out SrtTraceStats stats, int clear);

    [DllImport(Lib)]
    public static extern int srt_epoll_create();

    [DllImport(Lib)]
    public static extern int srt_epoll_set(int eid, int flags);

    [DllImport(Lib)]
    public static extern int srt_epoll_add_usock(int eid, int u, ref int events);

    [DllImport(Lib)]
    public static extern int srt_epoll_remove_usock(int eid, int u);

    [DllImport(Lib)]
    public static extern int srt_epoll_update_usock(int eid, int u, ref int events);

    [DllImport(Lib)]
    public static extern int srt_epoll_uwait(int eid, [Out] SrtEpollEvent[] events, int size, long timeoutMs);

    [DllImport(Lib)]
    public static extern int srt_epoll_release(int eid);

    [DllImport(Lib)]
    public static extern nint srt_getlasterror_str();

    [DllImport(Lib)]
    public static extern int srt_getlasterror(nint errnoLocation);

    [DllImport(Lib)]
    public static extern void srt_clearlasterror();

    [DllImport(Lib)]
    public static extern int srt_getrejectreason(int u);

    [DllImport(Lib)]
    public static extern int srt_setrejectreason(int u, int value);

    [DllImport(Lib)]
    public static extern nint srt_rejectreason_str(int id);

    [DllImport(Lib)]
    public static extern uint srt_getversion();

    [DllImport(Lib)]
    public static extern void srt_setloglevel(int level);

    [DllImport(Lib)]
    public static extern void srt_setlogflags(int flags);

    [DllImport(Lib)]
    public static extern void srt_setloghandler(nint opaque, LogHandler handler);

    /// <summary>The calling thread's last libsrt error code and message.</summary>
    public static (SrtError Code, string Message) LastError() =>
        ((SrtError)srt_getlasterror(0), Marshal.PtrToStringUTF8(srt_getlasterror_str()) ?? "");

    public static string RejectReasonText(int reason) =>
        reason >= SrtRejectCodes.PredefinedBase
            ? $"rejected by the peer with code {reason}"
            : Marshal.PtrToStringUTF8(srt_rejectreason_str(reason)) ?? $"reject reason {reason}";
}

/// <summary>SRT_SOCKOPT values from srt.h 1.5.</summary>
internal enum SrtOption
{
    Mss = 0,
    SendSync = 1,
    ReceiveSync = 2,
    MaxBandwidth = 16,
    State = 17,
    Latency = 23,
    Passphrase = 26,
    PbKeyLength = 27,
    KmState = 28,
    TooLatePacketDrop = 31,
    ConnectTimeout = 36,
    SendKmState = 40,
    ReceiveKmState = 41,
    ReceiveLatency = 43,
    PeerLatency = 44,
    StreamId = 46,
    PayloadSize = 49,
    TransportType = 50,
    EnforcedEncryption = 53,
    Ipv6Only = 54,
    PeerIdleTimeout = 55,
}

/// <summary>SRT_TRANSTYPE.</summary>
internal enum SrtTransportType
{
    Live = 0,
    File = 1,
}

/// <summary>SRT_SOCKSTATUS.</summary>
internal enum SrtSocketStatus
{
    Init = 1,
    Opened,
    Listening,
    Connecting,
    Connected,
    Broken,
    Closing,
    Closed,
    NonExistent,
}

/// <summary>The SRT_ERRNO codes the server tells apart (1000 * major + minor).</summary>
internal enum SrtError
{
    Unknown = -1,
    Success = 0,
    ConnectionRejected = 1002,
    SecurityFailure = 1004,
    ConnectionLost = 2001,
    NoConnection = 2002,
    InvalidSocket = 5004,
    LargeMessage = 5012,
    AsyncSend = 6001,
    AsyncReceive = 6002,
    Timeout = 6003,
}

/// <summary>SRT_EPOLL_OPT flags.</summary>
[Flags]
internal enum SrtEpollFlags
{
    None = 0,
    In = 0x1,
    Out = 0x4,
    Error = 0x8,
}

/// <summary>SRT_EPOLL_FLAGS for srt_epoll_set.</summary>
internal static class SrtEpollSettings
{
    public const int EnableEmpty = 1;
}

/// <summary>SRT_EPOLL_EVENT: a socket and the events it is ready for.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SrtEpollEvent
{
    public int Socket;
    public SrtEpollFlags Events;
}

/// <summary>The counters of SRT_TRACEBSTATS (struct CBytePerfMon, 496 bytes in 1.5) the server reads;
/// offsets checked against srt.h with offsetof.</summary>
[StructLayout(LayoutKind.Explicit, Size = 496)]
internal struct SrtTraceStats
{
    [FieldOffset(8)] public long PacketsSentTotal;
    [FieldOffset(16)] public long PacketsReceivedTotal;
    [FieldOffset(24)] public int PacketsSendLossTotal;
    [FieldOffset(28)] public int PacketsReceiveLossTotal;
    [FieldOffset(32)] public int PacketsRetransmittedTotal;
    [FieldOffset(64)] public int PacketsSendDropTotal;
    [FieldOffset(68)] public int PacketsReceiveDropTotal;
    [FieldOffset(72)] public int PacketsUndecryptedTotal;
    [FieldOffset(80)] public ulong BytesSentTotal;
    [FieldOffset(88)] public ulong BytesReceivedTotal;
    [FieldOffset(184)] public double SendRateMbps;
    [FieldOffset(192)] public double ReceiveRateMbps;
    [FieldOffset(328)] public double RttMs;
    [FieldOffset(336)] public double BandwidthMbps;
    [FieldOffset(352)] public double MaxBandwidthMbps;
}
