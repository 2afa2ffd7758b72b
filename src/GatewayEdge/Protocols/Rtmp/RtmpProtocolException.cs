
namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>The peer sent bytes that break the RTMP protocol; the connection should be closed.</summary>
public class RtmpProtocolException : Exception
{
    public RtmpProtocolException(string message) : base(message) { }

    public RtmpProtocolException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>The cluster refused the client's connect, publish or play; the connection is closed as SRS closes it.</summary>
public sealed class RtmpRefusedException(string message) : RtmpProtocolException(message);
