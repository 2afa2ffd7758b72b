using System.Buffers;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.Media.Containers.Amf;

namespace OrleansLive.GatewayEdge.Recording.Dvr;

/// <summary>The onMetaData a DVR file carries: the publisher's, rewritten for the file.</summary>
internal static class DvrMetadata
{
    private static readonly string[] Dropped = ["duration", "filesize"];

    /// <summary>
    /// "onMetaData" with an ECMA array whose first property is duration 0, followed by the
    /// publisher's properties except duration and filesize. Returns the payload and the offset of
    /// the duration's 8-byte number in it. Unreadable metadata is replaced by the duration alone.
    /// </summary>
    public static (byte[] Payload, int DurationOffset) Rewrite(byte[]? publisherMetadata)
    {
        var properties = new AmfObject { IsEcmaArray = true };
        properties.Add("duration", 0.0);
        if (publisherMetadata is not null)
        {
            try
            {
                var data = RtmpDataMessage.Parse(publisherMetadata, amf3: false);
                foreach (var (name, value) in data.MetaData ?? new AmfObject())
                {
                    if (!Dropped.Contains(name))
                    {
                        properties.Add(name, value);
                    }
                }
            }
            catch (Exception ex) when (ex is Amf0Exception or InvalidDataException or ArgumentException)
            {
                // Keep the duration alone.
            }
        }
        var output = new ArrayBufferWriter<byte>(256);
        Amf0Writer.WriteString(output, RtmpDataMessage.OnMetaData);
        var start = output.WrittenCount;
        Amf0Writer.WriteEcmaArray(output, properties);
        // ECMA array marker, 32-bit count, then "duration" (16-bit length, 8 bytes) and the number marker.
        return (output.WrittenSpan.ToArray(), start + 1 + 4 + 2 + 8 + 1);
    }
}
