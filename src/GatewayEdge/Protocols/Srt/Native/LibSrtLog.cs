using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace OrleansLive.GatewayEdge.Protocols.Srt.Native;

/// <summary>
/// Takes over libsrt's process-wide log output (it would write to stderr otherwise). Warnings and
/// errors go to the last started server's logger at Debug level; the one line that names why libsrt
/// refused a handshake after the listen callback (wrong or missing passphrase, ...) is kept per socket,
/// because the refused socket itself no longer reports a reason.
/// </summary>
internal static class LibSrtLog
{
    private const int LogWarning = 4;
    // SRT_LOGF_DISABLE_TIME | _THREADNAME | _SEVERITY | _EOL: the message text alone.
    private const int PlainMessages = 1 | 2 | 4 | 8;
    private const int MaxRejections = 4096;
    private const string RejectedMarker = ":newConnection: connection rejected due to: ";

    // SRT_REJECT_REASON names as libsrt prints them after "ERROR:", in enum order.
    private static readonly string[] ReasonNames =
    [
        "UNKNOWN", "SYSTEM", "PEER", "RESOURCE", "ROGUE", "BACKLOG", "IPE", "CLOSE", "VERSION", "RDVCOOKIE",
        "BADSECRET", "UNSECURE", "MESSAGEAPI", "CONGESTION", "FILTER", "GROUP", "TIMEOUT",
    ];

    private static readonly LibSrt.LogHandler Handler = OnLog;
    private static readonly ConcurrentDictionary<int, string> Rejections = new();
    private static readonly Lock InstallLock = new();
    private static bool _installed;
    private static volatile ILogger? _sink;

    public static void Install(ILogger sink)
    {
        _sink = sink;
        lock (InstallLock)
        {
            if (_installed)
            {
                return;
            }
            LibSrt.srt_setlogflags(PlainMessages);
            LibSrt.srt_setloglevel(LogWarning);
            LibSrt.srt_setloghandler(0, Handler);
            _installed = true;
        }
    }

    /// <summary>Why libsrt refused the handshake of this (now gone) socket, if it said.</summary>
    public static bool TryTakeRejection(int socket, out string reason) => Rejections.TryRemove(socket, out reason!);

    private static void OnLog(nint opaque, int level, nint file, int line, nint area, nint message)
    {
        try
        {
            // With the header disabled libsrt still leaves the area separator in front.
            var text = (Marshal.PtrToStringUTF8(message) ?? "").TrimStart(':', ' ');
            _sink?.LogDebug("libsrt: {Message}", text);
            RememberRejection(text);
        }
        catch (Exception)
        {
            // Nothing may unwind into libsrt's thread.
        }
    }

    // "@817352518:newConnection: connection rejected due to: INTERNAL REJECTION - ERROR:BADSECRET"
    private static void RememberRejection(string text)
    {
        var marker = text.IndexOf(RejectedMarker, StringComparison.Ordinal);
        if (marker < 2 || text[0] != '@' || !int.TryParse(text.AsSpan(1, marker - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var socket))
        {
            return;
        }
        var detail = text[(marker + RejectedMarker.Length)..];
        var error = detail.LastIndexOf("ERROR:", StringComparison.Ordinal);
        var code = error < 0 ? -1 : Array.IndexOf(ReasonNames, detail[(error + 6)..].Trim());
        var reason = code < 0 ? detail : $"{LibSrt.RejectReasonText(code)} ({ReasonNames[code]})";
        if (Rejections.Count >= MaxRejections)
        {
            Rejections.Clear();
        }
        Rejections[socket] = reason;
    }
}
