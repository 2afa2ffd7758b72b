using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Containers.Amf;

/// <summary>
/// AMF3 command and data messages (types 17 and 15) from Flash clients carry one format byte (0)
/// and then plain AMF0 values; this strips that byte.
/// </summary>
public static class Amf3Envelope
{
    public static ReadOnlySpan<byte> Strip(ReadOnlySpan<byte> payload, bool amf3)
    {
        if (!amf3)
        {
            return payload;
        }

        if (payload.IsEmpty)
        {
            throw new Amf0Exception("AMF3 message is empty");
        }

        // Some encoders omit the format byte and start directly with the AMF0 name string.
        return payload[0] switch
        {
            0 => payload.Slice(1),
            Amf0Marker.String => payload,
            _ => throw new Amf0Exception($"AMF3 message has unknown format byte 0x{payload[0]:X2}"),
        };
    }
}
