namespace OrleansLive.GatewayEdge.Rtmp;

/// <summary>Malformed, truncated or unsupported AMF0 data.</summary>
public sealed class Amf0Exception : RtmpProtocolException
{
    public Amf0Exception(string message) : base(message) { }
}
