using OrleansLive.Interfaces;
using OrleansLive.Media.Codecs;

namespace OrleansLive.GatewayEdge.Recording.Snapshots;

/// <summary>Turns one keyframe (an Annex B byte stream with its parameter sets) into a JPEG.</summary>
public interface ISnapshotDecoder
{
    /// <summary>The JPEG; throws <see cref="SnapshotDecodeException"/> when the decoder made none.</summary>
    Task<byte[]> DecodeAsync(byte[] keyframe, VideoCodecId codec, SnapshotSettings settings, CancellationToken cancellationToken);
}

/// <summary>A keyframe the decoder made no picture of; the message says why (its exit code, its last stderr line).</summary>
public sealed class SnapshotDecodeException(string message) : Exception(message);
