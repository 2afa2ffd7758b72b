using System.Globalization;
using System.Text;

namespace OrleansLive.Media.Rtsp;

/// <summary>An RTSP response head (and body), written the one way every reply of the server goes out.</summary>
public static class RtspResponse
{
    public static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        453 => "Not Enough Bandwidth",
        454 => "Session Not Found",
        455 => "Method Not Valid in This State",
        459 => "Aggregate Operation Not Allowed",
        461 => "Unsupported Transport",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "Error",
    };

    /// <summary>The response as bytes: status line, CSeq, the given headers, Content-Length when there is a body.</summary>
    public static byte[] Build(int status, int cseq, IEnumerable<KeyValuePair<string, string>> headers, string? body = null)
    {
        var text = new StringBuilder(256);
        text.Append(CultureInfo.InvariantCulture, $"RTSP/1.0 {status} {Reason(status)}\r\n");
        text.Append(CultureInfo.InvariantCulture, $"CSeq: {cseq}\r\n");
        foreach (var header in headers)
        {
            text.Append(header.Key).Append(": ").Append(header.Value).Append("\r\n");
        }
        var bodyBytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        if (bodyBytes.Length > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Content-Length: {bodyBytes.Length}\r\n");
        }
        text.Append("\r\n");
        var head = Encoding.UTF8.GetBytes(text.ToString());
        return bodyBytes.Length == 0 ? head : [.. head, .. bodyBytes];
    }
}
