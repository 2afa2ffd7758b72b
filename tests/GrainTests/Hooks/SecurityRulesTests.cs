using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Grains.Hooks;
using OrleansLive.Interfaces;

namespace OrleansLive.GrainTests.Hooks;

/// <summary>SRS's `security { allow|deny publish|play all|ip|cidr; }` evaluation.</summary>
public sealed class SecurityRulesTests
{
    private static SecuritySettings On(params string[] rules) => new(true, rules);

    private static bool Allowed(SecuritySettings? settings, SecurityAction action, string ip) =>
        SecurityRules.Check(settings, action, ip) is null;

    [Fact]
    public void Disabled_or_absent_security_allows_everyone()
    {
        Assert.True(Allowed(null, SecurityAction.Publish, "10.0.0.1"));
        Assert.True(Allowed(new SecuritySettings(false, ["deny publish all"]), SecurityAction.Publish, "10.0.0.1"));
    }

    [Fact]
    public void Enabled_without_rules_denies_everyone()
    {
        Assert.Contains("default deny", SecurityRules.Check(On(), SecurityAction.Play, "10.0.0.1"));
        Assert.False(Allowed(On(), SecurityAction.Publish, "127.0.0.1"));
    }

    [Fact]
    public void A_matching_deny_rule_denies_and_others_pass_when_there_are_only_deny_rules()
    {
        var rules = On("deny publish 127.0.0.1");
        Assert.Contains("denied by 'deny publish 127.0.0.1'", SecurityRules.Check(rules, SecurityAction.Publish, "127.0.0.1"));
        Assert.True(Allowed(rules, SecurityAction.Publish, "127.0.0.2"));
        Assert.True(Allowed(rules, SecurityAction.Play, "127.0.0.1"));
    }

    [Fact]
    public void Deny_wins_over_allow()
    {
        var rules = On("allow publish all", "deny publish 10.0.0.0/8");
        Assert.False(Allowed(rules, SecurityAction.Publish, "10.1.2.3"));
        Assert.True(Allowed(rules, SecurityAction.Publish, "192.168.1.1"));
    }

    [Fact]
    public void With_any_allow_rule_a_client_must_match_an_allow_rule_of_its_action()
    {
        // As SRS counts allow rules over both actions: an allow for play only shuts out every publisher.
        var rules = On("allow play all");
        Assert.True(Allowed(rules, SecurityAction.Play, "1.2.3.4"));
        Assert.Contains("not allowed by any of 1 allow rules", SecurityRules.Check(rules, SecurityAction.Publish, "1.2.3.4"));

        var lan = On("allow publish 192.168.0.0/16", "allow play all");
        Assert.True(Allowed(lan, SecurityAction.Publish, "192.168.7.9"));
        Assert.False(Allowed(lan, SecurityAction.Publish, "192.169.0.1"));
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.255.1.1", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("192.168.1.128/25", "192.168.1.200", true)]
    [InlineData("192.168.1.128/25", "192.168.1.127", false)]
    [InlineData("0.0.0.0/0", "8.8.8.8", true)]
    [InlineData("127.0.0.1", "::ffff:127.0.0.1", true)]
    [InlineData("127.0.0.1/32", "127.0.0.2", false)]
    [InlineData("2001:db8::/32", "2001:db8:1::5", true)]
    [InlineData("2001:db8::/32", "2001:db9::5", false)]
    [InlineData("::1", "::1", true)]
    [InlineData("10.0.0.0/8", "", false)]
    [InlineData("10.0.0.0/8", "not-an-ip", false)]
    public void Ip_and_cidr_rules_match_by_prefix(string network, string ip, bool matches)
    {
        Assert.Equal(!matches, Allowed(On($"deny play {network}"), SecurityAction.Play, ip));
    }

    [Fact]
    public void All_matches_even_an_unknown_address()
    {
        Assert.False(Allowed(On("deny play all"), SecurityAction.Play, ""));
    }

    [Theory]
    [InlineData("allow publish all")]
    [InlineData("DENY Play 10.0.0.1")]
    [InlineData("  deny   play   10.0.0.0/8 ")]
    [InlineData("allow play ::1")]
    [InlineData("allow play fe80::/10")]
    public void Valid_rules_parse(string text)
    {
        Assert.True(SecurityRules.TryParse(text, out var rule, out var error), error);
        Assert.NotNull(rule);
    }

    [Theory]
    [InlineData("permit publish all", "unknown verb 'permit'")]
    [InlineData("allow record all", "unknown action 'record'")]
    [InlineData("allow publish", "expected")]
    [InlineData("allow publish 10.0.0.1 extra", "expected")]
    [InlineData("", "expected")]
    [InlineData("deny play 10.0.0.0/33", "not 'all', an IP address or a CIDR")]
    [InlineData("deny play 10.0.0/8", "not 'all', an IP address or a CIDR")]
    [InlineData("deny play 10", "not 'all', an IP address or a CIDR")]
    [InlineData("deny play 300.1.1.1", "not 'all', an IP address or a CIDR")]
    [InlineData("deny play 10.0.0.0/x", "not 'all', an IP address or a CIDR")]
    [InlineData("deny play ::1/129", "not 'all', an IP address or a CIDR")]
    [InlineData("deny play everyone", "not 'all', an IP address or a CIDR")]
    public void Invalid_rules_are_reported(string text, string why)
    {
        Assert.False(SecurityRules.TryParse(text, out _, out var error));
        Assert.Contains(why, error, StringComparison.Ordinal);
    }
}
