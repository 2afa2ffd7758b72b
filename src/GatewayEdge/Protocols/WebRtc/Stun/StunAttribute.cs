namespace OrleansLive.GatewayEdge.Protocols.WebRtc.Stun;

/// <summary>One attribute as it came: its type and its value without the padding.</summary>
public readonly record struct StunAttribute(ushort Type, ReadOnlyMemory<byte> Value);
