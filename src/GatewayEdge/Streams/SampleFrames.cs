using System.Buffers;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.Media.Samples;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>
/// A codec-neutral sample wrapped once as the FLV tag body the hub's frames are (legacy headers for
/// H.264/AAC/MP3, Enhanced RTMP for HEVC/AV1/Opus), for every ingest that does not arrive as FLV
/// (MPEG-TS over SRT or UDP, RTP over WebRTC).
/// </summary>
public static class SampleFrames
{
    /// <summary>The sample as a new pooled frame (the caller releases it), or null when FLV has no
    /// header for its codec or its time is before the stream's start.</summary>
    public static MediaFrame? FromSample(in MediaSample sample)
    {
        var header = sample.Header;
        var headerSize = FlvSampleWriter.HeaderSize(header);
        if (headerSize == 0 || sample.Dts < 0)
        {
            return null;
        }
        var length = headerSize + sample.Data.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(MediaFrame.Headroom + length + MediaFrame.Tailroom);
        var body = buffer.AsSpan(MediaFrame.Headroom, length);
        FlvSampleWriter.WriteHeader(body, header);
        sample.Data.Span.CopyTo(body[headerSize..]);
        var type = header.IsVideo ? FrameTypes.Video : FrameTypes.Audio;
        return MediaFrame.FromPooled(type, unchecked((uint)sample.Dts), buffer, length);
    }
}
