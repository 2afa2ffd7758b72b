using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Protocols.Srt.Native;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.GatewayEdge.Protocols.Srt;

/// <summary>The listen callback, and the follow-up that reports callers libsrt refused after it
/// (a wrong or missing passphrase is only found once the callback has let the handshake go on).</summary>
public sealed partial class SrtServer
{
    // A handshake that neither became a connection nor failed by then is forgotten quietly.
    private static readonly TimeSpan HandshakeFollowUp = TimeSpan.FromSeconds(10);
    // Bounds the follow-up list; callers past it are still served, just not followed up.
    private const int MaxPendingHandshakes = 4096;

    // Refusals are logged one by one up to this budget; a flood of bad handshakes gets a summary line.
    private readonly LogBudget _refusalLog = new(10, TimeSpan.FromSeconds(10));
    private readonly ConcurrentDictionary<int, PendingHandshake> _pending = new();
    private long _nextPendingCheck;

    private sealed record PendingHandshake(IPEndPoint? Remote, string StreamId, long StartedAt);

    /// <summary>Runs on libsrt's receiver thread for each caller's conclusion handshake.</summary>
    private int OnListen(nint opaque, int socket, int hsVersion, nint peerAddress, nint streamIdPointer)
    {
        IPEndPoint? remote = null;
        var streamId = "";
        try
        {
            remote = NativeSocketAddress.Read(peerAddress);
            streamId = Marshal.PtrToStringUTF8(streamIdPointer) ?? "";
            if (_stopping)
            {
                LibSrt.srt_setrejectreason(socket, SrtRejectCodes.Overload);
                return LibSrt.Error;
            }
            var decision = _validator?.Invoke(new SrtHandshake(remote, streamId)) ?? SrtHandshakeDecision.Accept;
            if (!decision.Accepted)
            {
                LibSrt.srt_setrejectreason(socket, decision.RejectCode);
                if (_refusalLog.TryTake())
                {
                    _logger.LogWarning("SRT refused {Remote} streamid '{StreamId}': {Reason} (reject code {Code})", remote, streamId, decision.Reason, decision.RejectCode);
                }
                return LibSrt.Error;
            }
            if (decision.Passphrase is { } passphrase)
            {
                var bytes = Encoding.UTF8.GetBytes(passphrase);
                if (LibSrt.srt_setsockflag(socket, SrtOption.Passphrase, bytes, bytes.Length) < 0)
                {
                    LibSrt.srt_setrejectreason(socket, SrtRejectCodes.InternalError);
                    _logger.LogError("SRT refused {Remote} streamid '{StreamId}': setting its passphrase failed: {Error}", remote, streamId, LibSrt.LastError().Message);
                    return LibSrt.Error;
                }
            }
            if (_pending.Count < MaxPendingHandshakes)
            {
                _pending[socket] = new PendingHandshake(remote, streamId, Stopwatch.GetTimestamp());
            }
            return 0;
        }
        catch (Exception ex)
        {
            LibSrt.srt_setrejectreason(socket, SrtRejectCodes.InternalError);
            _logger.LogError(ex, "SRT refused {Remote} streamid '{StreamId}': the validator failed", remote, streamId);
            return LibSrt.Error;
        }
    }

    private void ForgetHandshake(int socket) => _pending.TryRemove(socket, out _);

    /// <summary>Logs callers whose handshake libsrt rejected after the callback, e.g. for a bad secret.</summary>
    private void CheckPendingHandshakes()
    {
        var now = Stopwatch.GetTimestamp();
        if (_pending.IsEmpty || now < _nextPendingCheck)
        {
            return;
        }
        _nextPendingCheck = now + (Stopwatch.Frequency / 5);
        foreach (var (socket, handshake) in _pending)
        {
            var state = LibSrt.srt_getsockstate(socket);
            if (state is SrtSocketStatus.Connected or SrtSocketStatus.Connecting or SrtSocketStatus.Opened or SrtSocketStatus.Init)
            {
                if (Stopwatch.GetElapsedTime(handshake.StartedAt, now) > HandshakeFollowUp)
                {
                    _pending.TryRemove(socket, out _);
                }
                continue;
            }
            _pending.TryRemove(socket, out _);
            if (!LibSrtLog.TryTakeRejection(socket, out var reason))
            {
                var code = LibSrt.srt_getrejectreason(socket);
                reason = code == 0 ? $"socket {state}" : LibSrt.RejectReasonText(code);
            }
            if (_refusalLog.TryTake())
            {
                _logger.LogWarning("SRT refused {Remote} streamid '{StreamId}' during the handshake: {Reason}",
                    handshake.Remote, handshake.StreamId, reason);
            }
        }
    }

    /// <summary>The summary line for refusals past the log budget, once their window is over.</summary>
    private void ReportSuppressedRefusals()
    {
        if (_refusalLog.TakeSuppressed() is var suppressed and > 0)
        {
            _logger.LogWarning("{Count} more SRT callers refused (not logged one by one: at most {Lines} refusals every {Seconds} s)",
                suppressed, _refusalLog.LinesPerWindow, _refusalLog.Window.TotalSeconds);
        }
    }
}
