
namespace OrleansLive.GatewayEdge.Streams;

/// <summary>
/// A frame as MPEG-TS packets from its stream's shared muxer: the same bytes for every HTTP-TS (and
/// SRT) player, since one muxer per stream runs over every frame in publish order.
/// </summary>
/// <param name="Packets">Whole 188-byte packets; empty for frames the muxer only learns from
/// (sequence headers, metadata).</param>
public sealed record TsWireForm(ReadOnlyMemory<byte> Packets);
