namespace OrleansLive.Grains.Hooks;

/// <summary>Who a hook is about: the client and the stream as SRS's request object holds them.</summary>
internal sealed record HookSubject(
    string ClientId,
    string Ip,
    string Vhost,
    string App,
    string Stream,
    string Param,
    string TcUrl,
    string PageUrl,
    string StreamUrl,
    string StreamId);
