
namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>User control message event types (Adobe RTMP specification, 7.1.7).</summary>
public static class RtmpUserControlEvent
{
    public const ushort StreamBegin = 0;
    public const ushort StreamEof = 1;
    public const ushort StreamDry = 2;
    public const ushort SetBufferLength = 3;
    public const ushort StreamIsRecorded = 4;
    public const ushort PingRequest = 6;
    public const ushort PingResponse = 7;
}

/// <summary>Limit types of SetPeerBandwidth (Adobe RTMP specification, 5.4.5).</summary>
public static class RtmpPeerBandwidthLimit
{
    public const byte Hard = 0;
    public const byte Soft = 1;
    public const byte Dynamic = 2;
}
