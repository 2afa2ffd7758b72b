using System.Diagnostics.CodeAnalysis;

namespace OrleansLive.Media.Rtp.Sdp;

/// <summary>
/// A parsed SDP offer or answer (RFC 8866) as WebRTC peers write them (JSEP, RFC 8829): the
/// session-level attributes and the media sections. See <see cref="TryParse"/> for what is tolerated.
/// </summary>
public sealed class SessionDescription
{
    /// <summary>Larger bodies are refused before any parsing: a browser offer is a few kilobytes.</summary>
    public const int MaxSize = 64 * 1024;

    public const int MaxLines = 4096;

    public const int MaxMediaSections = 64;

    internal readonly List<SdpAttribute> AttributeList = [];
    internal readonly List<SdpGroup> GroupList = [];
    internal readonly List<MediaDescription> MediaList = [];

    internal SessionDescription()
    {
    }

    /// <summary>The o= line's value as written.</summary>
    public string? Origin { get; internal set; }

    public string? SessionName { get; internal set; }

    /// <summary>Session-level values; each <see cref="MediaDescription"/> already falls back to them.</summary>
    public string? IceUfrag { get; internal set; }

    public string? IcePwd { get; internal set; }

    public SdpFingerprint? Fingerprint { get; internal set; }

    public DtlsSetup? Setup { get; internal set; }

    public bool IceLite { get; internal set; }

    /// <summary>a=msid-semantic's value as written (" WMS *", "WMS stream").</summary>
    public string? MsidSemantic { get; internal set; }

    public IReadOnlyList<SdpGroup> Groups => GroupList;

    /// <summary>The mids of the first a=group:BUNDLE, empty without one.</summary>
    public IReadOnlyList<string> BundleMids => GroupList.Find(g => string.Equals(g.Semantics, "BUNDLE", StringComparison.OrdinalIgnoreCase))?.Mids ?? [];

    public bool HasBundleGroup => GroupList.Exists(g => string.Equals(g.Semantics, "BUNDLE", StringComparison.OrdinalIgnoreCase));

    public IReadOnlyList<MediaDescription> Media => MediaList;

    /// <summary>Session-level a= lines, known or not.</summary>
    public IReadOnlyList<SdpAttribute> Attributes => AttributeList;

    public bool HasAttribute(string name) => AttributeList.Exists(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Parses SDP text with CRLF or LF line ends. Tolerant where peers differ: unknown lines and
    /// attributes are kept or ignored, lines without "x=" are skipped, session-level transport
    /// attributes apply to every section. Refuses (false, with a message) text over
    /// <see cref="MaxSize"/> or <see cref="MaxLines"/>, text that does not start with v=0, and
    /// m= lines it cannot read. Never throws.
    /// </summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out SessionDescription? description, out string error) =>
        SdpParser.TryParse(text, out description, out error);
}
