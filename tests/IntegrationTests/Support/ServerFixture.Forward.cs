using System.Globalization;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>The vhosts the forward tests publish to, and the forward backend they use.</summary>
public partial class ServerFixture
{
    /// <summary>Forwards to this server's app "mirror" (same stream name and vhost).</summary>
    public const string ForwardVhost = "fwd.test";

    /// <summary>Forwards where <see cref="ForwardBackend"/> says.</summary>
    public const string DynamicForwardVhost = "dyn.test";

    /// <summary>Forwards to a port where nothing listens.</summary>
    public const string BadForwardVhost = "bad.test";

    /// <summary>The on_forward backend of <see cref="DynamicForwardVhost"/>.</summary>
    public ForwardBackend ForwardBackend { get; } = new();

    /// <summary>A loopback port nobody listens on.</summary>
    public int ClosedPort { get; } = TestServers.FreeTcpPort();

    private async Task AddForwardSettingsAsync(Dictionary<string, string?> settings)
    {
        await ForwardBackend.StartAsync(RtmpPort);
        var port = RtmpPort.ToString(CultureInfo.InvariantCulture);
        settings[$"Vhosts:{ForwardVhost}:Forward:Enabled"] = "true";
        settings[$"Vhosts:{ForwardVhost}:Forward:Destinations:0"] = $"rtmp://127.0.0.1:{port}/mirror";
        settings[$"Vhosts:{DynamicForwardVhost}:Forward:Enabled"] = "true";
        settings[$"Vhosts:{DynamicForwardVhost}:Forward:Backend"] = ForwardBackend.Url;
        settings[$"Vhosts:{BadForwardVhost}:Forward:Enabled"] = "true";
        settings[$"Vhosts:{BadForwardVhost}:Forward:Destinations:0"] = "127.0.0.1:" + ClosedPort.ToString(CultureInfo.InvariantCulture);
    }
}
