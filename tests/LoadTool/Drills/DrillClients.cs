using System.Net;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Protocols.Srt;
using OrleansLive.LoadTool.Rtc;

namespace OrleansLive.LoadTool.Drills;

/// <summary>Where one gateway (or the all-in-one server) takes clients on loopback.</summary>
public sealed record GatewayPorts(string Name, int Rtmp, int Http, int Srt)
{
    public RtmpUrl RtmpUrl(string app, string stream) => new("127.0.0.1", Rtmp, app, stream);

    public Uri HttpUrl(string path) => new($"http://127.0.0.1:{Http}/{path}");
}

/// <summary>
/// What a drill's players and publishers share (the load tool's player context, the SRT caller loop,
/// the WHEP clients, an HTTP client for HLS), and the factory that makes a player or publisher of one
/// kind for one stream on one gateway. Kinds: rtmp, flv, ts, hls, srt, whep (players); rtmp, srt
/// (publishers).
/// </summary>
internal sealed class DrillClients : IDisposable
{
    public static readonly string[] PlayerKinds = ["rtmp", "flv", "ts", "hls", "srt", "whep"];

    private readonly SrtCallerLoop _srt;
    private readonly WhepClients _whep;
    private int _index;

    public DrillClients(int stallMilliseconds, int connectTimeoutSeconds, int viewers)
    {
        Options = new LoadOptions
        {
            Url = new RtmpUrl("127.0.0.1", 1935, "live", "drill"),
            StallMilliseconds = stallMilliseconds,
            ConnectTimeoutSeconds = connectTimeoutSeconds,
            ConnectConcurrency = 50,
            WhepPlayers = viewers,
        };
        Context = new PlayerContext(Options);
        _srt = new SrtCallerLoop(0, connectTimeoutSeconds * 1000);
        _whep = new WhepClients(Options);
        Hls = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5) })
        {
            Timeout = TimeSpan.FromSeconds(connectTimeoutSeconds),
        };
    }

    public LoadOptions Options { get; }

    public PlayerContext Context { get; }

    public HttpClient Hls { get; }

    public LoadPlayer Player(string kind, GatewayPorts gateway, string app, string stream)
    {
        var index = Interlocked.Increment(ref _index);
        var local = IPAddress.Loopback;
        return kind switch
        {
            "rtmp" => new RtmpPlayer(index, gateway.RtmpUrl(app, stream), new IPEndPoint(local, gateway.Rtmp), Context),
            "flv" => new HttpFlvPlayer(index, gateway.HttpUrl($"{app}/{stream}.flv"), new IPEndPoint(local, gateway.Http), Context),
            "ts" => new HttpTsPlayer(index, gateway.HttpUrl($"{app}/{stream}.ts"), new IPEndPoint(local, gateway.Http), Context),
            "hls" => new HlsPlayer(index, gateway.HttpUrl($"{app}/{stream}.m3u8"), Hls, Context),
            "srt" => new SrtPlayer(index, stream, new IPEndPoint(local, gateway.Srt), StreamId(app, stream, SrtMode.Play), _srt, Context),
            "whep" => new WhepPlayer(index, stream, gateway.HttpUrl($"rtc/v1/whep/?app={app}&stream={stream}"), _whep, Context),
            _ => throw new ArgumentException($"unknown player kind {kind}"),
        };
    }

    /// <summary>A publisher of <paramref name="source"/> (synthetic frames, or an FLV clip in a loop).</summary>
    public Publisher Publisher(string kind, GatewayPorts gateway, string app, string stream, IFrameSource source) => kind switch
    {
        "rtmp" => new RtmpPublisher(gateway.RtmpUrl(app, stream), source),
        "srt" => new SrtPublisher(new SrtUrl("127.0.0.1", gateway.Srt, StreamId(app, stream, SrtMode.Publish)), new IPEndPoint(IPAddress.Loopback, gateway.Srt),
            StreamId(app, stream, SrtMode.Publish), _srt, source),
        _ => throw new ArgumentException($"unknown publisher kind {kind}"),
    };

    public void Dispose()
    {
        Hls.Dispose();
        _whep.Dispose();
        _srt.Dispose();
    }

    private static string StreamId(string app, string stream, SrtMode mode) =>
        $"#!::r={app}/{stream},m={(mode == SrtMode.Publish ? "publish" : "request")}";
}
