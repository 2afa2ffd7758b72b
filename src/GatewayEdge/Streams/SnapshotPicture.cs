using OrleansLive.Interfaces;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>A JPEG of one of the stream's keyframes, decoded on this gateway (the publisher's).</summary>
public sealed record SnapshotPicture(byte[] Jpeg, DateTime TakenUtc, int Width, int Height)
{
    public SnapshotImageInfo Info(string gatewayId) => new(gatewayId, TakenUtc, Width, Height, Jpeg.Length);
}
