using System.Buffers;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Amf;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>
/// An RTMP data message (type 18, or type 15 for the AMF3 variant): a name and values, e.g.
/// <c>@setDataFrame("onMetaData", {...})</c> from encoders or <c>onMetaData({...})</c> to players.
/// </summary>
public sealed class RtmpDataMessage
{
    public const string SetDataFrame = "@setDataFrame";
    public const string ClearDataFrame = "@clearDataFrame";
    public const string OnMetaData = "onMetaData";

    public RtmpDataMessage(string name, List<object?> values)
    {
        Name = name;
        Values = values;
    }

    /// <summary>The first value, e.g. "@setDataFrame" or "onMetaData".</summary>
    public string Name { get; }

    /// <summary>The values after the name.</summary>
    public List<object?> Values { get; }

    /// <summary>True for onMetaData, bare or wrapped in @setDataFrame.</summary>
    public bool IsMetaData =>
        Name == OnMetaData || (Name == SetDataFrame && Values.Count > 0 && Values[0] is OnMetaData);

    /// <summary>The metadata object (object or ECMA array) of an onMetaData message, else null.</summary>
    public AmfObject? MetaData
    {
        get
        {
            if (Name == OnMetaData)
            {
                return FirstObject(0);
            }

            return IsMetaData ? FirstObject(1) : null;
        }
    }

    /// <exception cref="Amf0Exception">The payload is malformed or does not start with a name.</exception>
    public static RtmpDataMessage Parse(ReadOnlySpan<byte> payload, bool amf3)
    {
        var reader = new Amf0Reader(Amf3Envelope.Strip(payload, amf3));
        if (!reader.TryReadValue(out var name) || name is not string nameText)
        {
            throw new Amf0Exception("RTMP data message has no name");
        }

        var values = new List<object?>();
        while (reader.TryReadValue(out var value))
        {
            values.Add(value);
        }

        return new RtmpDataMessage(nameText, values);
    }

    /// <summary>
    /// The onMetaData body players get from a data message: its values without the encoder's
    /// @setDataFrame wrapper. False for data messages that are not metadata.
    /// </summary>
    /// <exception cref="Amf0Exception">The payload is malformed or does not start with a name.</exception>
    public static bool TryGetMetaDataBody(ReadOnlySpan<byte> payload, bool amf3, out ReadOnlySpan<byte> body)
    {
        var data = Parse(payload, amf3);
        body = Amf3Envelope.Strip(payload, amf3);
        if (data.Name != SetDataFrame)
        {
            return data.Name == OnMetaData;
        }
        // Skip the wrapper's name as the reader read it: AMF3 messages may lack the format byte, and
        // the name may come as a long string.
        var reader = new Amf0Reader(body);
        reader.ReadValue();
        body = body[reader.Position..];
        return data.Values.Count > 0 && data.Values[0] as string == OnMetaData;
    }

    /// <summary>Encodes a data message payload as AMF0 (for message type 18).</summary>
    public static void Write(IBufferWriter<byte> output, string name, params object?[] values)
    {
        Amf0Writer.WriteString(output, name);
        foreach (var value in values)
        {
            Amf0Writer.WriteValue(output, value);
        }
    }

    private AmfObject? FirstObject(int start)
    {
        for (var i = start; i < Values.Count; i++)
        {
            if (Values[i] is AmfObject o)
            {
                return o;
            }
        }

        return null;
    }

    public override string ToString() => Name;
}
