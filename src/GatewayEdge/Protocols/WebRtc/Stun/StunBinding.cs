using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Stun;

/// <summary>
/// The Binding messages an ICE-lite server answers with and an ICE client (the load tool, tests)
/// sends. ICE uses short-term credentials: the MESSAGE-INTEGRITY key is the password of the agent
/// that receives the request (RFC 8445 7.2.2), as UTF-8 bytes.
/// </summary>
public static class StunBinding
{
    public static byte[] NewTransactionId() => RandomNumberGenerator.GetBytes(StunMessage.TransactionIdSize);

    public static byte[] ShortTermKey(string password) => Encoding.UTF8.GetBytes(password);

    /// <summary>A success response: the request's source as XOR-MAPPED-ADDRESS, integrity with our
    /// password, fingerprint.</summary>
    public static byte[] SuccessResponse(ReadOnlySpan<byte> transactionId, IPEndPoint mapped, ReadOnlySpan<byte> integrityKey) =>
        new StunMessageBuilder(StunMessageType.BindingSuccessResponse, transactionId)
            .AddXorMappedAddress(mapped)
            .ToArray(integrityKey);

    /// <summary>An error response (400 Bad Request, 401 Unauthorized, 487 Role Conflict). A 401
    /// carries no integrity, since the request's credentials were what failed.</summary>
    public static byte[] ErrorResponse(ReadOnlySpan<byte> transactionId, int code, string reason, ReadOnlySpan<byte> integrityKey = default) =>
        new StunMessageBuilder(StunMessageType.BindingErrorResponse, transactionId)
            .AddErrorCode(code, reason)
            .ToArray(integrityKey);

    /// <summary>An ICE connectivity check (RFC 8445 7.2.2): USERNAME "remote-ufrag:local-ufrag",
    /// PRIORITY, ICE-CONTROLLING or ICE-CONTROLLED with the tie-breaker, USE-CANDIDATE when
    /// nominating, integrity with the remote password, fingerprint.</summary>
    public static byte[] Request(ReadOnlySpan<byte> transactionId, string remoteUfrag, string localUfrag, ReadOnlySpan<byte> remotePasswordKey,
        uint priority, ulong tieBreaker, bool controlling = true, bool useCandidate = false)
    {
        var builder = new StunMessageBuilder(StunMessageType.BindingRequest, transactionId)
            .AddUsername($"{remoteUfrag}:{localUfrag}")
            .AddPriority(priority);
        if (controlling)
        {
            builder.AddIceControlling(tieBreaker);
        }
        else
        {
            builder.AddIceControlled(tieBreaker);
        }

        if (useCandidate)
        {
            builder.AddUseCandidate();
        }

        return builder.ToArray(remotePasswordKey);
    }
}
