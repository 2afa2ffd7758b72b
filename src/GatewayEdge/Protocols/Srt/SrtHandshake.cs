using System.Net;

namespace OrleansLive.GatewayEdge.Protocols.Srt;

/// <summary>A caller's handshake as the listen callback sees it, before the connection exists.</summary>
public sealed record SrtHandshake(IPEndPoint? RemoteEndPoint, string StreamId);

/// <summary>What the streamid validator decides for one handshake. Accepting may set the passphrase
/// this connection must use (SRS-style per-stream secrets), overriding the server's.</summary>
public sealed record SrtHandshakeDecision
{
    private SrtHandshakeDecision(bool accepted, string reason, int rejectCode, string? passphrase)
    {
        Accepted = accepted;
        Reason = reason;
        RejectCode = rejectCode;
        Passphrase = passphrase;
    }

    public static SrtHandshakeDecision Accept { get; } = new(true, "", 0, null);

    public bool Accepted { get; }

    public string Reason { get; }

    /// <summary>Sent to the caller in the rejection; one of <see cref="SrtRejectCodes"/>.</summary>
    public int RejectCode { get; }

    public string? Passphrase { get; }

    public static SrtHandshakeDecision AcceptWithPassphrase(string passphrase) => new(true, "", 0, passphrase);

    public static SrtHandshakeDecision Reject(string reason, int code = SrtRejectCodes.Forbidden) => new(false, reason, code, null);
}

/// <summary>The SRT_REJX_* codes of libsrt's access_control.h a server sends back (HTTP-like, plus 1000).</summary>
public static class SrtRejectCodes
{
    public const int PredefinedBase = 1000;
    public const int BadRequest = 1400;
    public const int Unauthorized = 1401;
    public const int Overload = 1402;
    public const int Forbidden = 1403;
    public const int NotFound = 1404;
    public const int BadMode = 1405;
    public const int Conflict = 1409;
    public const int InternalError = 1500;
}
