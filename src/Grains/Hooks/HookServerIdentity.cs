using OrleansLive.Interfaces;

namespace OrleansLive.Grains.Hooks;

/// <summary>The server_id and service_id every hook body carries; the silo registers the ones its
/// HTTP API reports, so a hook backend can match the two.</summary>
public sealed class HookServerIdentity(string serverId, string serviceId)
{
    public string ServerId { get; } = serverId;

    public string ServiceId { get; } = serviceId;

    public static HookServerIdentity CreateRandom() => new(Ids.NewVid(), Ids.Random(8));
}
