using System.Globalization;
using System.Text;

namespace OrleansLive.Media.Rtsp;

/// <summary>What <see cref="RtspRequestReader.TryRead"/> found at the front of the buffer.</summary>
public enum RtspReadStatus
{
    /// <summary>Not a whole request or interleaved frame yet: read more.</summary>
    NeedMore,
    Request,
    /// <summary>An interleaved binary frame ('$', channel, 16-bit length, data: RFC 2326 §10.12).</summary>
    Interleaved,
    /// <summary>Not RTSP, or over a limit: the connection should close.</summary>
    Invalid,
}

/// <summary>
/// Reads RTSP requests and interleaved frames from the bytes of one connection, within fixed bounds:
/// a request head of at most <see cref="MaxHeadBytes"/> and <see cref="MaxHeaders"/> headers, a body of
/// at most <see cref="MaxBodyBytes"/>. A request without CSeq is invalid (RFC 2326 §12.17).
/// </summary>
public static class RtspRequestReader
{
    public const int MaxHeadBytes = 8 * 1024;
    public const int MaxHeaders = 64;
    public const int MaxBodyBytes = 64 * 1024;
    public const int MaxLineBytes = 4 * 1024;

    /// <summary>The bytes a connection must be able to hold to read any valid request or frame.</summary>
    public const int MaxMessageBytes = MaxHeadBytes + MaxBodyBytes;

    private static ReadOnlySpan<byte> HeadEnd => "\r\n\r\n"u8;

    /// <summary>
    /// Looks at the front of <paramref name="buffer"/>: a whole request (consumed = its size), an
    /// interleaved frame (channel and payload range given), more needed, or invalid (error says why).
    /// </summary>
    public static RtspReadStatus TryRead(ReadOnlySpan<byte> buffer, out RtspRequest? request, out int consumed, out RtspFrame frame, out string error)
    {
        request = null;
        consumed = 0;
        frame = default;
        error = "";
        if (buffer.IsEmpty)
        {
            return RtspReadStatus.NeedMore;
        }
        if (buffer[0] == (byte)'$')
        {
            if (buffer.Length < 4)
            {
                return RtspReadStatus.NeedMore;
            }
            var length = (buffer[2] << 8) | buffer[3];
            if (buffer.Length < 4 + length)
            {
                return RtspReadStatus.NeedMore;
            }
            frame = new RtspFrame(buffer[1], 4, length);
            consumed = 4 + length;
            return RtspReadStatus.Interleaved;
        }
        var end = buffer.IndexOf(HeadEnd);
        if (end < 0)
        {
            if (buffer.Length > MaxHeadBytes)
            {
                error = $"request head over {MaxHeadBytes} bytes";
                return RtspReadStatus.Invalid;
            }
            // Garbage is refused as soon as it shows, not after the head limit's worth of it.
            return HasControlByte(buffer) ? Invalid("a control byte in the request head", out error) : RtspReadStatus.NeedMore;
        }
        if (end + HeadEnd.Length > MaxHeadBytes)
        {
            error = $"request head over {MaxHeadBytes} bytes";
            return RtspReadStatus.Invalid;
        }
        var head = buffer[..end];
        if (HasControlByte(head))
        {
            return Invalid("a control byte in the request head", out error);
        }
        if (!TryParseHead(head, out var method, out var url, out var version, out var headers, out error))
        {
            return RtspReadStatus.Invalid;
        }
        var contentLength = 0;
        var cseq = -1;
        foreach (var header in headers)
        {
            if (string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(header.Value, NumberStyles.None, CultureInfo.InvariantCulture, out contentLength) || contentLength > MaxBodyBytes)
                {
                    error = $"bad or too large Content-Length '{Shorten(header.Value)}'";
                    return RtspReadStatus.Invalid;
                }
            }
            else if (string.Equals(header.Key, "CSeq", StringComparison.OrdinalIgnoreCase) && cseq < 0)
            {
                if (!int.TryParse(header.Value, NumberStyles.None, CultureInfo.InvariantCulture, out cseq))
                {
                    error = $"bad CSeq '{Shorten(header.Value)}'";
                    return RtspReadStatus.Invalid;
                }
            }
        }
        if (cseq < 0)
        {
            error = $"{method} request without CSeq";
            return RtspReadStatus.Invalid;
        }
        var bodyStart = end + HeadEnd.Length;
        if (buffer.Length < bodyStart + contentLength)
        {
            return RtspReadStatus.NeedMore;
        }
        request = new RtspRequest(method, url, version, headers, cseq, buffer.Slice(bodyStart, contentLength).ToArray());
        consumed = bodyStart + contentLength;
        return RtspReadStatus.Request;
    }

    private static bool TryParseHead(ReadOnlySpan<byte> head, out string method, out string url, out string version, out List<KeyValuePair<string, string>> headers, out string error)
    {
        (method, url, version, headers, error) = ("", "", "", [], "");
        var text = Encoding.Latin1.GetString(head);
        var lines = text.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length != 3 || requestLine[0].Length == 0 || requestLine[1].Length == 0)
        {
            error = $"malformed request line '{Shorten(lines[0])}'";
            return false;
        }
        if (!requestLine[2].StartsWith("RTSP/1.", StringComparison.Ordinal))
        {
            error = $"not an RTSP request line '{Shorten(lines[0])}'";
            return false;
        }
        foreach (var c in requestLine[0])
        {
            if (c is not ((>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or '_' or '-'))
            {
                error = $"malformed method '{Shorten(requestLine[0])}'";
                return false;
            }
        }
        (method, url, version) = (requestLine[0], requestLine[1], requestLine[2]);
        if (lines.Length - 1 > MaxHeaders)
        {
            error = $"more than {MaxHeaders} headers";
            return false;
        }
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length > MaxLineBytes)
            {
                error = $"a header line over {MaxLineBytes} bytes";
                return false;
            }
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                error = $"malformed header line '{Shorten(line)}'";
                return false;
            }
            headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
        }
        return true;
    }

    private static bool HasControlByte(ReadOnlySpan<byte> head)
    {
        foreach (var b in head)
        {
            if ((b < 0x20 && b is not ((byte)'\r' or (byte)'\n' or (byte)'\t')) || b == 0x7F)
            {
                return true;
            }
        }
        return false;
    }

    private static RtspReadStatus Invalid(string why, out string error)
    {
        error = why;
        return RtspReadStatus.Invalid;
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "...";
}

/// <summary>An interleaved frame: its channel and where its data lies in the buffer it was read from.</summary>
public readonly record struct RtspFrame(byte Channel, int Offset, int Length);
