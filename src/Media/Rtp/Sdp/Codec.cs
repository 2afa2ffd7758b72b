using System.Globalization;

namespace OrleansLive.Media.Rtp.Sdp;

/// <summary>
/// One payload type of an m= line: a=rtpmap (or the RFC 3551 static assignment), its a=fmtp
/// parameters and its a=rtcp-fb lines. Names compare case-insensitively (OBS writes "h264").
/// </summary>
public sealed class Codec
{
    public const string H264 = "H264";
    public const string H265 = "H265";
    public const string Vp8 = "VP8";
    public const string Vp9 = "VP9";
    public const string Av1 = "AV1";
    public const string Opus = "opus";
    public const string Pcmu = "PCMU";
    public const string Pcma = "PCMA";
    public const string Rtx = "rtx";
    public const string Red = "red";
    public const string Ulpfec = "ulpfec";
    public const string TelephoneEvent = "telephone-event";

    private static readonly Dictionary<string, string> NoParameters = new(StringComparer.OrdinalIgnoreCase);

    public Codec(int payloadType, string name, int clockRate, int channels = 1, string? fmtpLine = null, IReadOnlyList<string>? rtcpFeedback = null)
    {
        PayloadType = payloadType;
        Name = name;
        ClockRate = clockRate;
        Channels = channels;
        FmtpLine = fmtpLine;
        Fmtp = fmtpLine is null ? NoParameters : ParseFmtp(fmtpLine);
        RtcpFeedback = rtcpFeedback ?? [];
    }

    public int PayloadType { get; }

    /// <summary>The encoding name as the peer wrote it.</summary>
    public string Name { get; }

    public int ClockRate { get; }

    /// <summary>Audio channels (1 when rtpmap gives none).</summary>
    public int Channels { get; }

    /// <summary>The a=fmtp parameters as written, to echo them in an answer.</summary>
    public string? FmtpLine { get; }

    /// <summary>a=fmtp parsed as "key=value;key=value" with case-insensitive keys.</summary>
    public IReadOnlyDictionary<string, string> Fmtp { get; }

    /// <summary>Feedback types for this payload type ("nack", "nack pli", "ccm fir", "transport-cc"),
    /// including those given for "*".</summary>
    public IReadOnlyList<string> RtcpFeedback { get; }

    /// <summary>For RTX (RFC 4588): the payload type it repairs (fmtp apt=).</summary>
    public int? AssociatedPayloadType => Fmtp.TryGetValue("apt", out var apt) && int.TryParse(apt, NumberStyles.None, CultureInfo.InvariantCulture, out var pt) ? pt : null;

    public bool Is(string name) => string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);

    public bool HasFeedback(string feedback) => RtcpFeedback.Contains(feedback, StringComparer.OrdinalIgnoreCase);

    public override string ToString() => Channels > 1 ? $"{PayloadType} {Name}/{ClockRate}/{Channels}" : $"{PayloadType} {Name}/{ClockRate}";

    /// <summary>"a=fmtp" parameters: ';'-separated, each "key=value" (a bare token is a key with an empty value).</summary>
    public static Dictionary<string, string> ParseFmtp(string line)
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in line.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            var key = eq < 0 ? part : part[..eq].Trim();
            if (key.Length > 0)
            {
                parameters.TryAdd(key, eq < 0 ? string.Empty : part[(eq + 1)..].Trim());
            }
        }

        return parameters;
    }
}
