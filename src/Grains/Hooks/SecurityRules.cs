using System.Net;
using OrleansLive.Interfaces;

namespace OrleansLive.Grains.Hooks;

/// <summary>What a security rule is about: publishing or playing.</summary>
public enum SecurityAction
{
    Publish,
    Play,
}

/// <summary>One parsed rule, "allow|deny publish|play all|&lt;ip&gt;|&lt;cidr&gt;".</summary>
public sealed record SecurityRule(string Text, bool Allow, SecurityAction Action, IPAddress? Network, int PrefixLength)
{
    /// <summary>True for "all".</summary>
    public bool MatchesEveryone => Network is null;

    public bool Matches(IPAddress? ip)
    {
        if (Network is null)
        {
            return true;
        }
        if (ip is null)
        {
            return false;
        }
        ip = SecurityRules.Normalize(ip);
        if (ip.AddressFamily != Network.AddressFamily)
        {
            return false;
        }
        var a = ip.GetAddressBytes();
        var b = Network.GetAddressBytes();
        var bits = PrefixLength;
        for (var i = 0; i < a.Length && bits > 0; i++, bits -= 8)
        {
            var mask = bits >= 8 ? 0xFF : (byte)(0xFF << (8 - bits));
            if ((a[i] & mask) != (b[i] & mask))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>
/// SRS's `security { }` semantics: disabled allows; enabled without rules denies; a matching deny
/// rule denies; when any allow rule exists (for either action) the client must match an allow rule
/// of its action; with only deny rules and none matching, the client is allowed.
/// </summary>
public static class SecurityRules
{
    public static bool TryParse(string text, out SecurityRule? rule, out string error)
    {
        rule = null;
        var parts = (text ?? "").Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 3)
        {
            error = $"security rule '{text}': expected 'allow|deny publish|play all|<ip>|<cidr>'";
            return false;
        }
        bool allow;
        switch (parts[0].ToLowerInvariant())
        {
            case "allow":
                allow = true;
                break;
            case "deny":
                allow = false;
                break;
            default:
                error = $"security rule '{text}': unknown verb '{parts[0]}' (allow or deny)";
                return false;
        }
        SecurityAction action;
        switch (parts[1].ToLowerInvariant())
        {
            case "publish":
                action = SecurityAction.Publish;
                break;
            case "play":
                action = SecurityAction.Play;
                break;
            default:
                error = $"security rule '{text}': unknown action '{parts[1]}' (publish or play)";
                return false;
        }
        if (parts[2].Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            rule = new SecurityRule(text!, allow, action, null, 0);
            error = "";
            return true;
        }
        if (!TryParseNetwork(parts[2], out var network, out var prefix))
        {
            error = $"security rule '{text}': '{parts[2]}' is not 'all', an IP address or a CIDR";
            return false;
        }
        rule = new SecurityRule(text!, allow, action, network, prefix);
        error = "";
        return true;
    }

    /// <summary>Null when the client may go on, else why it may not.</summary>
    public static string? Check(SecuritySettings? settings, SecurityAction action, string ip)
    {
        if (settings is not { Enabled: true })
        {
            return null;
        }
        var rules = new List<SecurityRule>();
        foreach (var text in settings.Rules)
        {
            if (TryParse(text, out var rule, out _))
            {
                rules.Add(rule!);
            }
        }
        if (rules.Count == 0)
        {
            return "security is enabled without rules: default deny";
        }
        IPAddress.TryParse(ip, out var address);
        var verb = action == SecurityAction.Publish ? "publish" : "play";
        foreach (var rule in rules)
        {
            if (!rule.Allow && rule.Action == action && rule.Matches(address))
            {
                return $"{verb} from {ip} denied by '{rule.Text}'";
            }
        }
        var allowRules = 0;
        foreach (var rule in rules.Where(r => r.Allow))
        {
            allowRules++;
            if (rule.Action == action && rule.Matches(address))
            {
                return null;
            }
        }
        return allowRules > 0 ? $"{verb} from {ip} not allowed by any of {allowRules} allow rules" : null;
    }

    internal static IPAddress Normalize(IPAddress ip) => ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;

    private static bool TryParseNetwork(string text, out IPAddress network, out int prefix)
    {
        network = IPAddress.None;
        prefix = 0;
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        // Dotted quads only: IPAddress also takes "10" or "10.1" as IPv4, which a rule never means.
        if (!(addressText.Contains(':') || addressText.Count(c => c == '.') == 3) || !IPAddress.TryParse(addressText, out var address))
        {
            return false;
        }
        network = Normalize(address);
        var maxPrefix = network.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        if (slash < 0)
        {
            prefix = maxPrefix;
            return true;
        }
        return int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix)
            && prefix <= maxPrefix;
    }
}
