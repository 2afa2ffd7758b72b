using System.Globalization;

namespace OrleansLive.Media.Rtp.Sdp;

/// <summary>The line reader behind <see cref="SessionDescription.TryParse"/>.</summary>
internal sealed class SdpParser
{
    // RFC 3551 static payload types a peer may list without a=rtpmap.
    private static readonly Dictionary<int, (string Name, int ClockRate)> StaticPayloadTypes = new()
    {
        [0] = (Codec.Pcmu, 8000),
        [8] = (Codec.Pcma, 8000),
        [9] = ("G722", 8000),
        [13] = ("CN", 8000),
        [18] = ("G729", 8000),
    };

    private readonly SessionDescription _session = new();
    private MediaDescription? _media;
    private MediaDirection? _direction;
    private MediaDirection? _sessionDirection;
    private readonly Dictionary<int, (string Name, int ClockRate, int Channels)> _rtpmaps = [];
    private readonly Dictionary<int, string> _fmtps = [];
    private readonly Dictionary<string, List<string>> _feedback = [];

    public static bool TryParse(string? text, out SessionDescription? description, out string error)
    {
        description = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the SDP is empty";
            return false;
        }

        if (text.Length > SessionDescription.MaxSize)
        {
            error = $"the SDP is {text.Length} characters, over the {SessionDescription.MaxSize} limit";
            return false;
        }

        var parser = new SdpParser();
        if (!parser.Read(text, out error))
        {
            return false;
        }

        description = parser._session;
        return true;
    }

    private bool Read(string text, out string error)
    {
        var lines = text.Split('\n');
        if (lines.Length > SessionDescription.MaxLines)
        {
            error = $"the SDP has {lines.Length} lines, over the {SessionDescription.MaxLines} limit";
            return false;
        }

        var first = true;
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd('\r', ' ', '\t');
            if (line.Length == 0)
            {
                continue;
            }

            if (first)
            {
                first = false;
                if (line != "v=0")
                {
                    error = "not an SDP description: the first line must be v=0";
                    return false;
                }

                continue;
            }

            if (line.Length < 2 || line[1] != '=')
            {
                continue;
            }

            var value = line[2..];
            switch (line[0])
            {
                case 'm':
                    if (!StartMedia(value, out error))
                    {
                        return false;
                    }

                    break;
                case 'o' when _media is null:
                    _session.Origin = value;
                    break;
                case 's' when _media is null:
                    _session.SessionName = value;
                    break;
                case 'a':
                    var colon = value.IndexOf(':');
                    var attribute = colon < 0 ? new SdpAttribute(value, null) : new SdpAttribute(value[..colon], value[(colon + 1)..]);
                    if (_media is null)
                    {
                        SessionAttribute(attribute);
                    }
                    else
                    {
                        MediaAttribute(_media, attribute);
                    }

                    break;
            }
        }

        if (first)
        {
            error = "the SDP is empty";
            return false;
        }

        FinishMedia();
        foreach (var media in _session.MediaList)
        {
            if (!media.DirectionGiven)
            {
                media.Direction = _sessionDirection ?? MediaDirection.SendRecv;
            }

            media.IceUfrag ??= _session.IceUfrag;
            media.IcePwd ??= _session.IcePwd;
            media.Fingerprint ??= _session.Fingerprint;
            media.Setup ??= _session.Setup;
        }

        error = string.Empty;
        return true;
    }

    private bool StartMedia(string value, out string error)
    {
        FinishMedia();
        error = string.Empty;
        if (_session.MediaList.Count == SessionDescription.MaxMediaSections)
        {
            error = $"the SDP has more than {SessionDescription.MaxMediaSections} m= lines";
            return false;
        }

        // <media> <port>[/<count>] <proto> <fmt> ...
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var portText = parts.Length > 1 ? parts[1].Split('/')[0] : string.Empty;
        if (parts.Length < 4 || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            error = $"malformed m= line \"m={Shorten(value)}\": expected \"<media> <port> <proto> <formats>\"";
            return false;
        }

        _media = new MediaDescription(_session.MediaList.Count, parts[0], port, parts[2], parts[3..]);
        _session.MediaList.Add(_media);
        return true;
    }

    private void FinishMedia()
    {
        if (_media is null)
        {
            return;
        }

        _feedback.TryGetValue("*", out var common);
        foreach (var pt in _media.PayloadTypes.Distinct())
        {
            var key = pt.ToString(CultureInfo.InvariantCulture);
            if (!_rtpmaps.TryGetValue(pt, out var map))
            {
                if (!StaticPayloadTypes.TryGetValue(pt, out var known))
                {
                    continue;
                }

                map = (known.Name, known.ClockRate, 1);
            }

            List<string> feedback = [.. common ?? [], .. _feedback.GetValueOrDefault(key) ?? []];
            _media.CodecList.Add(new Codec(pt, map.Name, map.ClockRate, map.Channels, _fmtps.GetValueOrDefault(pt), [.. feedback.Distinct(StringComparer.OrdinalIgnoreCase)]));
        }

        if (_direction is { } direction)
        {
            _media.Direction = direction;
            _media.DirectionGiven = true;
        }

        _rtpmaps.Clear();
        _fmtps.Clear();
        _feedback.Clear();
        _direction = null;
        _media = null;
    }

    private void SessionAttribute(SdpAttribute attribute)
    {
        _session.AttributeList.Add(attribute);
        var value = attribute.Value;
        switch (attribute.Name.ToLowerInvariant())
        {
            case "group":
                var parts = SdpFingerprint.Split(value);
                if (parts.Length > 0)
                {
                    _session.GroupList.Add(new SdpGroup(parts[0], parts[1..]));
                }

                break;
            case "ice-lite":
                _session.IceLite = true;
                break;
            case "msid-semantic":
                _session.MsidSemantic = value;
                break;
            case "ice-ufrag":
                _session.IceUfrag ??= NonEmpty(value);
                break;
            case "ice-pwd":
                _session.IcePwd ??= NonEmpty(value);
                break;
            case "fingerprint":
                _session.Fingerprint ??= SdpFingerprint.Parse(value);
                break;
            case "setup":
                _session.Setup ??= ParseSetup(value);
                break;
            default:
                if (ParseDirection(attribute.Name) is { } direction)
                {
                    _sessionDirection = direction;
                }

                break;
        }
    }

    private void MediaAttribute(MediaDescription media, SdpAttribute attribute)
    {
        media.AttributeList.Add(attribute);
        var value = attribute.Value;
        switch (attribute.Name.ToLowerInvariant())
        {
            case "mid":
                media.Mid ??= NonEmpty(value?.Trim());
                break;
            case "ice-ufrag":
                media.IceUfrag ??= NonEmpty(value);
                break;
            case "ice-pwd":
                media.IcePwd ??= NonEmpty(value);
                break;
            case "fingerprint":
                media.Fingerprint ??= SdpFingerprint.Parse(value);
                break;
            case "setup":
                media.Setup ??= ParseSetup(value);
                break;
            case "rtcp-mux":
                media.RtcpMux = true;
                break;
            case "rtcp-rsize":
                media.RtcpRsize = true;
                break;
            case "bundle-only":
                media.BundleOnly = true;
                break;
            case "msid":
                media.Msid ??= NonEmpty(value?.Trim());
                break;
            case "candidate":
                if (value is { Length: > 0 })
                {
                    media.CandidateList.Add(value);
                }

                break;
            case "end-of-candidates":
                media.EndOfCandidates = true;
                break;
            case "extmap":
                ParseExtmap(media, value);
                break;
            case "ssrc":
                ParseSsrc(media, value);
                break;
            case "ssrc-group":
                var group = SdpFingerprint.Split(value);
                if (group.Length > 1)
                {
                    var ssrcs = group[1..].Select(s => uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var ssrc) ? (uint?)ssrc : null).ToList();
                    if (ssrcs.All(s => s.HasValue))
                    {
                        media.SsrcGroupList.Add(new SdpSsrcGroup(group[0], [.. ssrcs.Select(s => s!.Value)]));
                    }
                }

                break;
            case "rtpmap":
                ParseRtpmap(value);
                break;
            case "fmtp":
                if (SplitPayloadType(value, out var pt, out var parameters))
                {
                    _fmtps.TryAdd(pt, parameters);
                }

                break;
            case "rtcp-fb":
                var space = value?.IndexOf(' ') ?? -1;
                if (space > 0 && value![(space + 1)..].Trim() is { Length: > 0 } feedback)
                {
                    var key = value[..space];
                    if (!_feedback.TryGetValue(key, out var list))
                    {
                        _feedback[key] = list = [];
                    }

                    list.Add(string.Join(' ', feedback.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
                }

                break;
            default:
                if (ParseDirection(attribute.Name) is { } direction)
                {
                    _direction ??= direction;
                }

                break;
        }
    }

    private void ParseRtpmap(string? value)
    {
        // <pt> <name>/<clock rate>[/<channels>]
        if (!SplitPayloadType(value, out var pt, out var encoding))
        {
            return;
        }

        var parts = encoding.Split('/');
        if (parts.Length < 2 || parts[0].Length == 0 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var clock) || clock <= 0)
        {
            return;
        }

        var channels = 1;
        if (parts.Length > 2 && (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out channels) || channels is < 1 or > 255))
        {
            return;
        }

        _rtpmaps.TryAdd(pt, (parts[0], clock, channels));
    }

    private static void ParseExtmap(MediaDescription media, string? value)
    {
        // <id>[/<direction>] <uri> [<attributes>]
        var parts = SdpFingerprint.Split(value);
        if (parts.Length < 2)
        {
            return;
        }

        var idParts = parts[0].Split('/');
        if (int.TryParse(idParts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id is >= 1 and <= 255)
        {
            media.ExtmapList.Add(new SdpExtmap(id, parts[1], idParts.Length > 1 ? idParts[1] : null));
        }
    }

    private static void ParseSsrc(MediaDescription media, string? value)
    {
        // <ssrc> <attribute>[:<value>]
        var space = value?.IndexOf(' ') ?? -1;
        var idText = space < 0 ? value : value![..space];
        if (!uint.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var ssrc))
        {
            return;
        }

        var index = media.SsrcList.FindIndex(s => s.Ssrc == ssrc);
        var entry = index >= 0 ? media.SsrcList[index] : new SdpSsrc(ssrc, null, null);
        if (space > 0)
        {
            var rest = value![(space + 1)..];
            var colon = rest.IndexOf(':');
            var name = colon < 0 ? rest : rest[..colon];
            var attributeValue = colon < 0 ? null : NonEmpty(rest[(colon + 1)..].Trim());
            if (name.Equals("cname", StringComparison.OrdinalIgnoreCase))
            {
                entry = entry with { Cname = entry.Cname ?? attributeValue };
            }
            else if (name.Equals("msid", StringComparison.OrdinalIgnoreCase))
            {
                entry = entry with { Msid = entry.Msid ?? attributeValue };
            }
        }

        if (index >= 0)
        {
            media.SsrcList[index] = entry;
        }
        else
        {
            media.SsrcList.Add(entry);
        }
    }

    private static bool SplitPayloadType(string? value, out int pt, out string rest)
    {
        pt = -1;
        rest = string.Empty;
        var space = value?.IndexOf(' ') ?? -1;
        if (space <= 0 || !int.TryParse(value.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out pt) || pt > 127)
        {
            return false;
        }

        rest = value![(space + 1)..].Trim();
        return rest.Length > 0;
    }

    private static DtlsSetup? ParseSetup(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "actpass" => DtlsSetup.ActPass,
        "active" => DtlsSetup.Active,
        "passive" => DtlsSetup.Passive,
        "holdconn" => DtlsSetup.HoldConn,
        _ => null,
    };

    internal static MediaDirection? ParseDirection(string name) => name.ToLowerInvariant() switch
    {
        "sendrecv" => MediaDirection.SendRecv,
        "sendonly" => MediaDirection.SendOnly,
        "recvonly" => MediaDirection.RecvOnly,
        "inactive" => MediaDirection.Inactive,
        _ => null,
    };

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "...";
}
