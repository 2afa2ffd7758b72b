namespace OrleansLive.GatewayEdge.Protocols.Srt;

/// <summary>A libsrt call failed while setting the server up; the message carries libsrt's wording.</summary>
public sealed class SrtException(string message) : Exception(message);
