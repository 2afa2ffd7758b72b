using System.Globalization;
using System.Text;

namespace OrleansLive.Media.Rtsp;

/// <summary>
/// One transport spec of a SETUP's Transport header (RFC 2326 §12.39): RTP/AVP over UDP (client and
/// server port pairs) or TCP (interleaved channels), unicast, play or record.
/// </summary>
public sealed record RtspTransport
{
    public bool Tcp { get; init; }

    public bool Multicast { get; init; }

    /// <summary>Interleaved channels for RTP and RTCP over TCP; -1 when not given.</summary>
    public int RtpChannel { get; init; } = -1;

    public int RtcpChannel { get; init; } = -1;

    /// <summary>The client's UDP ports for RTP and RTCP; 0 when not given.</summary>
    public int ClientRtpPort { get; init; }

    public int ClientRtcpPort { get; init; }

    public int ServerRtpPort { get; init; }

    public int ServerRtcpPort { get; init; }

    /// <summary>mode=record (the client publishes).</summary>
    public bool Record { get; init; }

    public string? Ssrc { get; init; }

    /// <summary>The first spec of a Transport header this server can use (RTP/AVP, RTP/AVP/UDP or RTP/AVP/TCP; unicast); null if none.</summary>
    public static RtspTransport? ParseFirstUsable(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }
        foreach (var spec in header.Split(','))
        {
            if (TryParse(spec, out var transport) && !transport.Multicast)
            {
                return transport;
            }
        }
        return null;
    }

    public static bool TryParse(string spec, out RtspTransport transport)
    {
        transport = new RtspTransport();
        var parts = spec.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return false;
        }
        var protocol = parts[0].ToUpperInvariant();
        bool tcp;
        switch (protocol)
        {
            case "RTP/AVP" or "RTP/AVP/UDP":
                tcp = false;
                break;
            case "RTP/AVP/TCP":
                tcp = true;
                break;
            default:
                return false;
        }
        var result = new RtspTransport { Tcp = tcp };
        foreach (var part in parts.AsSpan(1))
        {
            var eq = part.IndexOf('=');
            var key = (eq < 0 ? part : part[..eq]).ToLowerInvariant();
            var value = eq < 0 ? "" : part[(eq + 1)..];
            switch (key)
            {
                case "multicast":
                    result = result with { Multicast = true };
                    break;
                case "interleaved" when TryRange(value, 255, out var a, out var b):
                    result = result with { RtpChannel = a, RtcpChannel = b };
                    break;
                case "client_port" when TryRange(value, 65535, out var a, out var b) && a > 0:
                    result = result with { ClientRtpPort = a, ClientRtcpPort = b };
                    break;
                case "server_port" when TryRange(value, 65535, out var a, out var b) && a > 0:
                    result = result with { ServerRtpPort = a, ServerRtcpPort = b };
                    break;
                case "mode":
                    result = result with { Record = value.Trim('"').Equals("record", StringComparison.OrdinalIgnoreCase) || value.Trim('"').Equals("receive", StringComparison.OrdinalIgnoreCase) };
                    break;
                case "ssrc" when value.Length is > 0 and <= 8:
                    result = result with { Ssrc = value };
                    break;
                case "interleaved" or "client_port" or "server_port":
                    return false;
            }
        }
        transport = result;
        return true;
    }

    /// <summary>"a-b" or "a" (b = a + 1), each within 0..<paramref name="max"/>.</summary>
    private static bool TryRange(string value, int max, out int first, out int second)
    {
        second = 0;
        var dash = value.IndexOf('-');
        if (!int.TryParse(dash < 0 ? value : value[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out first) || first > max)
        {
            return false;
        }
        if (dash < 0)
        {
            second = first + 1;
            return second <= max;
        }
        return int.TryParse(value[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out second) && second <= max;
    }

    /// <summary>The spec as a reply's Transport header.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Tcp ? "RTP/AVP/TCP;unicast" : "RTP/AVP;unicast");
        if (Tcp && RtpChannel >= 0)
        {
            text.Append(CultureInfo.InvariantCulture, $";interleaved={RtpChannel}-{RtcpChannel}");
        }
        else if (!Tcp)
        {
            if (ClientRtpPort > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $";client_port={ClientRtpPort}-{ClientRtcpPort}");
            }
            if (ServerRtpPort > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $";server_port={ServerRtpPort}-{ServerRtcpPort}");
            }
        }
        if (Ssrc is not null)
        {
            text.Append(";ssrc=").Append(Ssrc);
        }
        if (Record)
        {
            text.Append(";mode=record");
        }
        return text.ToString();
    }
}
