namespace OrleansLive.Media.Rtp.Sdp;

/// <summary>One a= line as written: the name and what follows the first colon (null for a flag).</summary>
public sealed record SdpAttribute(string Name, string? Value);

/// <summary>a=fingerprint (RFC 8122): the hash function and the certificate digest as colon hex.</summary>
public sealed record SdpFingerprint(string Algorithm, string Value)
{
    public override string ToString() => $"{Algorithm} {Value}";

    /// <summary>The digest's bytes; null when the hex is malformed.</summary>
    public byte[]? ToBytes()
    {
        var hex = Value.Replace(":", string.Empty, StringComparison.Ordinal);
        if (hex.Length == 0 || hex.Length % 2 != 0 || !hex.All(char.IsAsciiHexDigit))
        {
            return null;
        }

        return Convert.FromHexString(hex);
    }

    internal static SdpFingerprint? Parse(string? value)
    {
        var parts = Split(value);
        return parts.Length == 2 ? new SdpFingerprint(parts[0].ToLowerInvariant(), parts[1].ToUpperInvariant()) : null;
    }

    internal static string[] Split(string? value) => value?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}

/// <summary>a=extmap (RFC 8285): a header extension's local id, its URI and an optional direction.</summary>
public sealed record SdpExtmap(int Id, string Uri, string? Direction = null);

/// <summary>What the a=ssrc lines say about one synchronisation source (RFC 5576).</summary>
public sealed record SdpSsrc(uint Ssrc, string? Cname, string? Msid);

/// <summary>a=ssrc-group (RFC 5576): FID pairs a source with its retransmission (RTX) source; SIM lists simulcast layers.</summary>
public sealed record SdpSsrcGroup(string Semantics, IReadOnlyList<uint> Ssrcs);

/// <summary>a=group (RFC 5888): BUNDLE (RFC 8843) or LS (lip sync) and the mids it binds.</summary>
public sealed record SdpGroup(string Semantics, IReadOnlyList<string> Mids);

/// <summary>Header extension URIs WebRTC peers offer.</summary>
public static class SdpExtensionUris
{
    public const string SdesMid = "urn:ietf:params:rtp-hdrext:sdes:mid";
    public const string RtpStreamId = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    public const string RepairedRtpStreamId = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
    public const string AudioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    public const string TransmissionOffset = "urn:ietf:params:rtp-hdrext:toffset";
    public const string AbsSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    public const string TransportWideCc = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    public const string VideoOrientation = "urn:3gpp:video-orientation";
    public const string PlayoutDelay = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";
}
