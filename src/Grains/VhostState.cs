using OrleansLive.Interfaces;

namespace OrleansLive.Grains;

/// <summary>A vhost's stored id and, once set through the API, its settings.</summary>
[GenerateSerializer]
public sealed class VhostState
{
    /// <summary>SRS vhost id ("vid-xxxxxxx"), assigned once.</summary>
    [Id(0)] public string? VhostId { get; set; }

    /// <summary>Settings stored before the cluster configuration held overrides; moved there on activation.</summary>
    [Id(1)] public VhostSettings? Settings { get; set; }
}
