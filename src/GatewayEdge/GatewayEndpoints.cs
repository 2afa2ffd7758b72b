using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.GatewayEdge;

/// <summary>The ports the gateway's listeners actually bound (differs from the options when 0 was asked).</summary>
public sealed class GatewayEndpoints
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pending = 2;

    public int RtmpPort { get; private set; }

    public int HttpPort { get; private set; }

    /// <summary>The HTTPS streaming port; 0 while it is off.</summary>
    public int HttpsPort { get; private set; }

    /// <summary>The RTMPS port; 0 while it is off.</summary>
    public int RtmpsPort { get; private set; }

    internal void SetHttps(int port) => HttpsPort = port;

    internal void SetRtmps(int port) => RtmpsPort = port;

    /// <summary>The SRT port (UDP); 0 while SRT is off.</summary>
    public int SrtPort { get; private set; }

    /// <summary>Completes when every listener is bound.</summary>
    public Task Ready => _ready.Task;

    internal void SetRtmp(int port)
    {
        RtmpPort = port;
        Bound();
    }

    /// <summary>The WebRTC UDP port; 0 while WebRTC is off.</summary>
    public int RtcPort { get; private set; }

    /// <summary>The ICE-TCP port; 0 while it is off.</summary>
    public int RtcTcpPort { get; private set; }

    internal void SetSrt(int port) => SrtPort = port;

    /// <summary>The RTSP port; 0 while RTSP is off.</summary>
    public int RtspPort { get; private set; }

    internal void SetRtsp(int port) => RtspPort = port;

    internal void SetRtc(int udpPort, int tcpPort) => (RtcPort, RtcTcpPort) = (udpPort, tcpPort);

    internal void SetHttp(int port)
    {
        HttpPort = port;
        Bound();
    }

    private void Bound()
    {
        if (Interlocked.Decrement(ref _pending) == 0)
        {
            _ready.TrySetResult();
        }
    }
}
