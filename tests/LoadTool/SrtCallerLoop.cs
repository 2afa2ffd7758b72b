using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using OrleansLive.GatewayEdge.Protocols.Srt;
using OrleansLive.GatewayEdge.Protocols.Srt.Native;

namespace OrleansLive.LoadTool;

/// <summary>What the caller loop reports to one SRT caller; called on the loop's thread.</summary>
internal interface ISrtCaller
{
    /// <summary>The handshake completed: the server took the streamid.</summary>
    void Connected();

    /// <summary>The connect failed or the connection ended; no more calls follow.</summary>
    void Ended(string reason);

    /// <summary>One live message, valid only during the call.</summary>
    void Received(ReadOnlySpan<byte> message, long arrived);
}

/// <summary>
/// Every SRT caller of a run (players and publishers) on one libsrt epoll set served by one thread,
/// so hundreds of SRT players cost no thread each. Sockets connect without blocking (the handshake
/// completes as an OUT event), then wait for IN; publishers send from their own tasks, which libsrt
/// allows, and use the loop only to learn when the link breaks.
/// </summary>
internal sealed class SrtCallerLoop : IDisposable
{
    public const int PayloadSize = 1316;

    private const int PollMs = 50;
    private const int MaxEventsPerWait = 512;
    // Bound the work one busy socket gets per wake-up so the others are served too.
    private const int MaxMessagesPerWake = 64;

    private readonly ConcurrentDictionary<int, Caller> _callers = new();
    private readonly ConcurrentQueue<int> _closeRequests = new();
    private readonly byte[] _buffer = new byte[1500];
    private readonly int _latencyMs;
    private readonly int _connectTimeoutMs;
    private readonly Thread _thread;
    private int _epoll = -1;
    private volatile bool _stopping;

    public SrtCallerLoop(int latencyMs, int connectTimeoutMs)
    {
        _latencyMs = latencyMs;
        _connectTimeoutMs = connectTimeoutMs;
        Check(LibSrt.srt_startup(), "srt_startup");
        _epoll = LibSrt.srt_epoll_create();
        if (_epoll < 0)
        {
            var error = LibSrt.LastError().Message;
            LibSrt.srt_cleanup();
            throw new SrtException($"SRT srt_epoll_create failed: {error}");
        }
        LibSrt.srt_epoll_set(_epoll, SrtEpollSettings.EnableEmpty);
        _thread = new Thread(Run) { IsBackground = true, Name = "srt-callers" };
        _thread.Start();
    }

    /// <summary>Starts connecting a caller; the outcome arrives as <see cref="ISrtCaller.Connected"/>
    /// or <see cref="ISrtCaller.Ended"/>. Returns the socket, for <see cref="Send"/> and <see cref="Close"/>.</summary>
    public int Open(ISrtCaller caller, IPEndPoint remote, string streamId)
    {
        var socket = LibSrt.srt_create_socket();
        Check(socket, "srt_create_socket");
        try
        {
            // TRANSTYPE first: it resets the options that depend on the transmission type.
            SetInt(socket, SrtOption.TransportType, (int)SrtTransportType.Live);
            SetInt(socket, SrtOption.ReceiveSync, 0);
            SetInt(socket, SrtOption.SendSync, 0);
            SetInt(socket, SrtOption.PayloadSize, PayloadSize);
            SetInt(socket, SrtOption.ConnectTimeout, _connectTimeoutMs);
            if (_latencyMs > 0)
            {
                SetInt(socket, SrtOption.Latency, _latencyMs);
            }
            var id = Encoding.UTF8.GetBytes(streamId);
            Check(LibSrt.srt_setsockflag(socket, SrtOption.StreamId, id, id.Length), "set streamid");
            _callers[socket] = new Caller(caller);
            // Subscribed before connecting, so the completion cannot be missed.
            var events = (int)(SrtEpollFlags.Out | SrtEpollFlags.Error);
            Check(LibSrt.srt_epoll_add_usock(_epoll, socket, ref events), "srt_epoll_add_usock");
            var address = NativeSocketAddress.From(remote);
            Check(LibSrt.srt_connect(socket, address, address.Length), $"connect to {remote}");
            return socket;
        }
        catch
        {
            _callers.TryRemove(socket, out _);
            LibSrt.srt_epoll_remove_usock(_epoll, socket);
            LibSrt.srt_close(socket);
            throw;
        }
    }

    /// <summary>Sends one live message without waiting; false when libsrt's send buffer is full.
    /// Throws when the connection is gone.</summary>
    public static bool Send(int socket, ReadOnlySpan<byte> message)
    {
        if (LibSrt.srt_sendmsg2(socket, ref System.Runtime.InteropServices.MemoryMarshal.GetReference(message), message.Length, 0) >= 0)
        {
            return true;
        }
        var (code, text) = LibSrt.LastError();
        return code == SrtError.AsyncSend ? false : throw new IOException($"SRT send failed: {text}");
    }

    /// <summary>Closes a caller's socket on the loop; it gets no more calls.</summary>
    public void Close(int socket)
    {
        if (socket != LibSrt.InvalidSocket)
        {
            _closeRequests.Enqueue(socket);
        }
    }

    /// <summary>Closes every socket and stops the loop.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }
        _stopping = true;
        _thread.Join();
    }

    private void Run()
    {
        var events = new SrtEpollEvent[MaxEventsPerWait];
        while (!_stopping)
        {
            var ready = LibSrt.srt_epoll_uwait(_epoll, events, events.Length, PollMs);
            for (var i = 0; i < ready; i++)
            {
                if (_callers.TryGetValue(events[i].Socket, out var caller))
                {
                    Serve(events[i].Socket, caller, events[i].Events);
                }
                else
                {
                    LibSrt.srt_epoll_remove_usock(_epoll, events[i].Socket);
                }
            }
            while (_closeRequests.TryDequeue(out var socket))
            {
                Remove(socket);
            }
        }
        foreach (var socket in _callers.Keys)
        {
            Remove(socket);
        }
        LibSrt.srt_epoll_release(_epoll);
        _epoll = -1;
        LibSrt.srt_cleanup();
    }

    private void Serve(int socket, Caller caller, SrtEpollFlags flags)
    {
        if (!caller.IsConnected)
        {
            var state = LibSrt.srt_getsockstate(socket);
            if (state == SrtSocketStatus.Connected)
            {
                caller.IsConnected = true;
                var events = (int)(SrtEpollFlags.In | SrtEpollFlags.Error);
                LibSrt.srt_epoll_update_usock(_epoll, socket, ref events);
                caller.Target.Connected();
            }
            else if (state != SrtSocketStatus.Connecting)
            {
                var reason = LibSrt.srt_getrejectreason(socket);
                End(socket, caller, $"SRT connect failed: {LibSrt.RejectReasonText(reason)} (socket {state})");
            }
            return;
        }
        for (var i = 0; i < MaxMessagesPerWake; i++)
        {
            var received = LibSrt.srt_recvmsg(socket, ref _buffer[0], _buffer.Length);
            if (received > 0)
            {
                caller.Target.Received(_buffer.AsSpan(0, received), Stopwatch.GetTimestamp());
                continue;
            }
            if (received == 0)
            {
                break;
            }
            var (code, text) = LibSrt.LastError();
            if (code != SrtError.AsyncReceive)
            {
                End(socket, caller, code is SrtError.ConnectionLost or SrtError.NoConnection or SrtError.InvalidSocket ? "server closed the SRT connection" : text);
                return;
            }
            break;
        }
        if ((flags & SrtEpollFlags.Error) != 0 && LibSrt.srt_getsockstate(socket) >= SrtSocketStatus.Broken)
        {
            End(socket, caller, "server closed the SRT connection");
        }
    }

    private void End(int socket, Caller caller, string reason)
    {
        Remove(socket);
        caller.Target.Ended(reason);
    }

    private void Remove(int socket)
    {
        if (_callers.TryRemove(socket, out _))
        {
            LibSrt.srt_epoll_remove_usock(_epoll, socket);
            LibSrt.srt_close(socket);
        }
    }

    private static void SetInt(int socket, SrtOption option, int value) =>
        Check(LibSrt.srt_setsockflag(socket, option, ref value, sizeof(int)), $"set {option}={value}");

    private static void Check(int result, string what)
    {
        if (result < 0)
        {
            throw new SrtException($"SRT {what} failed: {LibSrt.LastError().Message}");
        }
    }

    private sealed class Caller(ISrtCaller target)
    {
        public ISrtCaller Target { get; } = target;

        /// <summary>Touched on the loop thread only.</summary>
        public bool IsConnected { get; set; }
    }
}
