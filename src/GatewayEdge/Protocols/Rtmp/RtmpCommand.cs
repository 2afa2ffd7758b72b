using System.Buffers;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Amf;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.GatewayEdge.Protocols.Rtmp;

/// <summary>
/// An RTMP command message (type 20, or type 17 for the AMF3 variant): name, transaction id,
/// command object (usually an object or null) and optional further arguments.
/// </summary>
public sealed class RtmpCommand
{
    public RtmpCommand(string name, double transactionId, object? commandObject, List<object?> arguments)
    {
        Name = name;
        TransactionId = transactionId;
        CommandObject = commandObject;
        Arguments = arguments;
    }

    public string Name { get; }

    public double TransactionId { get; }

    /// <summary>The value after the transaction id; null when absent.</summary>
    public object? CommandObject { get; }

    /// <summary>Values after the command object (e.g. the stream name of publish/play).</summary>
    public List<object?> Arguments { get; }

    /// <summary>Decodes a command payload.</summary>
    /// <param name="payload">The message payload.</param>
    /// <param name="amf3">True for message type 17, whose payload starts with a format byte.</param>
    /// <exception cref="Amf0Exception">The payload is malformed or lacks a name or transaction id.</exception>
    public static RtmpCommand Parse(ReadOnlySpan<byte> payload, bool amf3)
    {
        var reader = new Amf0Reader(Amf3Envelope.Strip(payload, amf3));
        if (!reader.TryReadValue(out var name) || name is not string nameText)
        {
            throw new Amf0Exception("RTMP command has no name");
        }

        if (!reader.TryReadValue(out var transactionId) || transactionId is not double id)
        {
            throw new Amf0Exception($"RTMP command '{nameText}' has no transaction id");
        }

        reader.TryReadValue(out var commandObject);
        var arguments = new List<object?>();
        while (reader.TryReadValue(out var argument))
        {
            arguments.Add(argument);
        }

        return new RtmpCommand(nameText, id, commandObject, arguments);
    }

    /// <summary>Encodes a command payload as AMF0 (for message type 20).</summary>
    public static void Write(IBufferWriter<byte> output, string name, double transactionId, object? commandObject, params object?[] args)
    {
        Amf0Writer.WriteString(output, name);
        Amf0Writer.WriteNumber(output, transactionId);
        Amf0Writer.WriteValue(output, commandObject);
        foreach (var arg in args)
        {
            Amf0Writer.WriteValue(output, arg);
        }
    }

    public override string ToString() => $"{Name}({TransactionId})";
}
