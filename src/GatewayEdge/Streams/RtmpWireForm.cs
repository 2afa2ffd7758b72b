using OrleansLive.GatewayEdge.Protocols.Rtmp;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>
/// A frame as RTMP chunks for players: fmt-0 header, payload slice, fmt-3 header, payload slice...
/// Absolute timestamps and the fixed play stream id make these bytes the same for every player,
/// so they are built once per frame and handed to vectored socket sends without copying the payload.
/// </summary>
public sealed class RtmpWireForm
{
    /// <summary>Message stream id that every player gets from createStream.</summary>
    public const uint PlayStreamId = 1;

    private RtmpWireForm(int chunkSize, ArraySegment<byte>[] segments, int totalBytes)
    {
        ChunkSize = chunkSize;
        Segments = segments;
        TotalBytes = totalBytes;
    }

    public int ChunkSize { get; }

    public ArraySegment<byte>[] Segments { get; }

    public int TotalBytes { get; }

    /// <summary>Chunk stream ids for shared media; command traffic uses 2, 3 and 5.</summary>
    public static int ChunkStreamFor(byte type) => type switch
    {
        FrameTypes.Video => 6,
        FrameTypes.Audio => 7,
        _ => 8,
    };

    internal static RtmpWireForm Build(MediaFrame frame, byte[] buffer, int chunkSize)
    {
        var length = frame.Length;
        var chunks = Math.Max(1, (length + chunkSize - 1) / chunkSize);
        var headers = new byte[RtmpChunkWriter.MaxHeaderSize * chunks];
        var segments = new ArraySegment<byte>[chunks * 2];
        var csid = ChunkStreamFor(frame.Type);
        var headerPos = 0;
        var total = 0;
        for (var i = 0; i < chunks; i++)
        {
            var size = i == 0
                ? RtmpChunkWriter.WriteHeader0(headers.AsSpan(headerPos), csid, frame.Timestamp, length, frame.Type, PlayStreamId)
                : RtmpChunkWriter.WriteHeader3(headers.AsSpan(headerPos), csid, frame.Timestamp);
            segments[i * 2] = new ArraySegment<byte>(headers, headerPos, size);
            headerPos += size;
            var offset = i * chunkSize;
            var count = Math.Min(chunkSize, length - offset);
            segments[(i * 2) + 1] = new ArraySegment<byte>(buffer, MediaFrame.Headroom + offset, count);
            total += size + count;
        }
        return new RtmpWireForm(chunkSize, segments, total);
    }
}
