using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using OrleansLive.Media.Rtp.Sdp;

namespace OrleansLive.LoadTool.Rtc;

/// <summary>What a WHEP player needs from the gateway's answer: where to send (its first UDP host
/// candidate), its ICE credentials, its certificate fingerprint and the payload types it sends.</summary>
public sealed record WhepAnswer(IPEndPoint Candidate, string IceUfrag, string IcePassword, string Fingerprint, int VideoPayloadType, int AudioPayloadType)
{
    /// <param name="fallbackHost">The WHEP URL's host, used when the candidate names no usable address.</param>
    public static bool TryParse(string sdp, IPAddress fallbackHost, [NotNullWhen(true)] out WhepAnswer? answer, out string error)
    {
        answer = null;
        if (!SessionDescription.TryParse(sdp, out var description, out error))
        {
            error = "answer does not parse: " + error;
            return false;
        }
        var accepted = description.Media.Where(m => m.Port != 0 && m.Kind is MediaKind.Audio or MediaKind.Video).ToList();
        var transport = accepted.FirstOrDefault(m => m.Candidates.Count > 0);
        if (transport is null || transport.IceUfrag is null || transport.IcePwd is null || transport.Fingerprint is null)
        {
            error = "answer lacks a candidate, ICE credentials or a fingerprint";
            return false;
        }
        IPEndPoint? candidate = null;
        foreach (var line in transport.Candidates)
        {
            // foundation component transport priority address port typ host
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 6 && parts[2].Equals("udp", StringComparison.OrdinalIgnoreCase)
                && IPAddress.TryParse(parts[4], out var address) && int.TryParse(parts[5], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                candidate = new IPEndPoint(address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? fallbackHost : address, port);
                break;
            }
        }
        if (candidate is null)
        {
            error = "answer has no UDP candidate";
            return false;
        }
        int PayloadType(MediaKind kind) => accepted.FirstOrDefault(m => m.Kind == kind)?.Codecs.FirstOrDefault()?.PayloadType ?? -1;
        answer = new WhepAnswer(candidate, transport.IceUfrag, transport.IcePwd, transport.Fingerprint.ToString(), PayloadType(MediaKind.Video), PayloadType(MediaKind.Audio));
        return true;
    }
}
