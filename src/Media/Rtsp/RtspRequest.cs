namespace OrleansLive.Media.Rtsp;

/// <summary>One RTSP request (RFC 2326 §6): method, URL, headers in arrival order, CSeq and body.</summary>
public sealed class RtspRequest
{
    internal RtspRequest(string method, string url, string version, IReadOnlyList<KeyValuePair<string, string>> headers, int cseq, byte[] body)
    {
        Method = method;
        Url = url;
        Version = version;
        Headers = headers;
        CSeq = cseq;
        Body = body;
    }

    /// <summary>The method as sent, upper case by convention (OPTIONS, DESCRIBE, SETUP...).</summary>
    public string Method { get; }

    public string Url { get; }

    public string Version { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public int CSeq { get; }

    public byte[] Body { get; }

    /// <summary>The first header of that name (case-insensitive), or null.</summary>
    public string? Header(string name)
    {
        foreach (var header in Headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }
        return null;
    }

    /// <summary>The Session header's id, without its ";timeout=" parameter.</summary>
    public string? SessionId => Header("Session") is { } session ? session.Split(';')[0].Trim() : null;

    public override string ToString() => $"{Method} {Url} (CSeq {CSeq})";
}
