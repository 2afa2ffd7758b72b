using OrleansLive.Interfaces;

namespace OrleansLive.Grains.Forward;

/// <summary>
/// A vhost's forward block as configured ("Vhosts:&lt;name&gt;:Forward"), SRS's
/// `forward { enabled; destination ...; backend ...; }`. Mirrors <see cref="ForwardSettings"/>.
/// </summary>
public sealed class ForwardOptions
{
    public bool Enabled { get; set; }

    /// <summary>"host[:port]" (keeps the app) or "rtmp://host[:port]/app" (replaces the app).</summary>
    public List<string> Destinations { get; set; } = [];

    /// <summary>on_forward backend URL (http or https); empty for none.</summary>
    public string Backend { get; set; } = "";

    /// <summary>The settings, or null when forwarding is off for the vhost.</summary>
    public ForwardSettings? ToSettings() => Enabled ? new ForwardSettings(true, [.. Destinations], Backend ?? "") : null;

    /// <summary>Adds a problem per destination that is not host[:port] or rtmp://host[:port]/app, and
    /// for a backend that is not an absolute http or https URL; keys start with <paramref name="prefix"/>.</summary>
    public void Validate(string prefix, List<string> errors)
    {
        for (var i = 0; i < Destinations.Count; i++)
        {
            if (ForwardDestinations.ToUrl(Destinations[i], StreamKey.DefaultVhost, "app", "stream", "") is null)
            {
                errors.Add($"{prefix}:Destinations:{i} '{Destinations[i]}' is neither host:port nor rtmp://host:port/app");
            }
        }
        if (!string.IsNullOrWhiteSpace(Backend) && !Config.VhostConfigValidator.IsHookUrl(Backend.Trim()))
        {
            errors.Add($"{prefix}:Backend '{Backend}' is not an absolute http or https URL");
        }
    }
}

/// <summary>How the silo calls forward backends; bound from configuration section "Forward".</summary>
public sealed class ForwardBackendOptions
{
    public const string SectionName = "Forward";

    /// <summary>How long a backend may take to answer before the stream forwards only to its static destinations.</summary>
    public int BackendTimeoutMs { get; set; } = 3000;

    /// <summary>The server_id sent to backends. Empty: the one hooks send (the API's server id).</summary>
    public string ServerId { get; set; } = "";

    /// <summary>The service_id sent to backends. Empty: the one hooks send (the API's service id).</summary>
    public string ServiceId { get; set; } = "";
}
