using System.Net.Sockets;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Containers.Amf;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.UnitTests.Fuzz;

/// <summary>RTMP and AMF targets: the bytes a publisher, a player or an upstream server sends.</summary>
internal static partial class FuzzTargets
{
    // The gateway's default (GatewayOptions.MaxMessageBytes): partial messages may hold twice that.
    private const int RtmpMaxMessage = 8 * 1024 * 1024;

    private static readonly HashSet<string> KnownVhosts = ["__defaultVhost__", "example.com"];

    private static FuzzTarget RtmpServer => new()
    {
        Name = "RtmpServer",
        Summary = "a client's bytes from C0C1 on (ffmpeg publish and play captures) through RtmpSession as a server: "
            + "handshake, chunk reader, protocol control, then every message as RtmpConnection reads it (commands, "
            + "connect properties and stream names, @setDataFrame metadata, media tags and their codec facts)",
        FormatExceptions = [typeof(RtmpProtocolException), typeof(Amf0Exception)],
        // The pipe's segments and the chunk buffers a declared 8 MiB message or two may rent at once.
        MaxAllocatedBytes = (2L * RtmpMaxMessage) + (4L << 20),
        BoundedInputs = 20_000,
        MinAccepted = 1_000,
        Start = () => (input, random) => RunSession(input, random, server: true),
    };

    private static FuzzTarget RtmpClient => new()
    {
        Name = "RtmpClient",
        Summary = "a server's bytes from S0S1S2 on (our server's answers to ffmpeg) through RtmpSession as a client, as "
            + "RtmpClient reads them for edge pulls and forwards: handshake, chunk reader, _result/onStatus commands, "
            + "user control, media tags",
        FormatExceptions = [typeof(RtmpProtocolException), typeof(Amf0Exception)],
        MaxAllocatedBytes = (2L * RtmpMaxMessage) + (4L << 20),
        BoundedInputs = 25_000,
        MinAccepted = 1_000,
        Start = () => (input, random) => RunSession(input, random, server: false),
    };

    private static FuzzTarget Amf => new()
    {
        Name = "Amf",
        Summary = "AMF0 values and AMF3-wrapped command and data payloads (from the RTMP captures): Amf0Reader, "
            + "RtmpCommand.Parse, RtmpDataMessage (metadata body), and Amf0Writer writing back what was read",
        FormatExceptions = [typeof(Amf0Exception)],
        MaxAllocatedBytes = 2L << 20,
        BoundedInputs = 100_000,
        MinAccepted = 4_000,
        Start = () =>
        {
            var output = new System.Buffers.ArrayBufferWriter<byte>();
            // Each input both as an AMF0 message (types 18, 20) and as an AMF3 one (15, 17), whose
            // format byte some encoders leave out.
            return (input, _) => ReadAmf(input, amf3: false, output) | ReadAmf(input, amf3: true, output);
        },
    };

    private static bool ReadAmf(byte[] payload, bool amf3, System.Buffers.ArrayBufferWriter<byte> output)
    {
        List<object?> values;
        try
        {
            values = Amf0Reader.ReadAll(Amf3Envelope.Strip(payload, amf3));
        }
        catch (Amf0Exception)
        {
            return false;
        }
        output.ResetWrittenCount();
        foreach (var value in values)
        {
            Amf0Writer.WriteValue(output, value);
        }
        FuzzInvariantException.Check(Amf0Reader.ReadAll(output.WrittenSpan).Count == values.Count, "AMF0 values written back do not read back as many");
        if (values.Count > 0 && values[0] is string)
        {
            if (values.Count > 1 && values[1] is double)
            {
                ReadCommand(RtmpCommand.Parse(payload, amf3));
            }
            RtmpDataMessage.TryGetMetaDataBody(payload, amf3, out _);
            _ = RtmpDataMessage.Parse(payload, amf3).MetaData;
        }
        return values.Count > 0;
    }

    private static bool RunSession(byte[] input, Random random, bool server)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var session = new RtmpSession(socket, RtmpMaxMessage, zeroByteReads: false, new FuzzStream(input, random));
        try
        {
            if (server)
            {
                session.AcceptHandshakeAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
            else
            {
                session.HandshakeAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
            var messages = 0;
            try
            {
                while (session.ReadMessageAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult() is { } message)
                {
                    messages++;
                    ReadMessage(message, server);
                }
            }
            catch (Exception ex) when (messages > 0 && ex is RtmpProtocolException or Amf0Exception)
            {
                // Refused part way, as the connection would be: the input still reached the message loop.
            }
            return messages > 0;
        }
        finally
        {
            session.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    // What RtmpConnection (server) or RtmpClient (client) does with a message, short of answering it.
    private static void ReadMessage(RtmpMessage message, bool server)
    {
        try
        {
            switch (message.TypeId)
            {
                case RtmpMessageType.Audio or RtmpMessageType.Video when message.Length > 0:
                    var frame = MediaFrame.FromPooled(message.TypeId, message.Timestamp, message.TakeBuffer(), message.Length);
                    // As PublishSession: codec facts from sequence headers (and any first audio tag).
                    _ = frame.IsVideo ? VideoCodecInfo.TryParse(frame.Payload.Span, out _) : AudioCodecInfo.TryParse(frame.Payload.Span, out _);
                    _ = frame.Sample;
                    frame.Release();
                    break;
                case RtmpMessageType.DataAmf0 or RtmpMessageType.DataAmf3 when server:
                    RtmpDataMessage.TryGetMetaDataBody(message.Payload, message.TypeId == RtmpMessageType.DataAmf3, out _);
                    break;
                case RtmpMessageType.CommandAmf0:
                case RtmpMessageType.CommandAmf3 when server:
                    ReadCommand(RtmpCommand.Parse(message.Payload, message.TypeId == RtmpMessageType.CommandAmf3));
                    break;
                case RtmpMessageType.UserControl:
                    RtmpControl.TryParseUserControl(message.Payload, out _, out _, out _);
                    break;
            }
        }
        finally
        {
            message.ReturnBuffer();
        }
    }

    // The fields RtmpConnection and RtmpClient take from commands.
    private static void ReadCommand(RtmpCommand command)
    {
        var props = command.CommandObject as AmfObject;
        var tcUrl = props?.GetString("tcUrl") ?? "";
        var app = props?.GetString("app") ?? "";
        _ = props?.GetString("pageUrl");
        _ = props?.GetBoolean(GatewayEdge.Protocols.Rtmp.RtmpClient.SourceAudioProperty);
        _ = props?.GetNumber("objectEncoding");
        var name = command.Arguments.Count > 0 ? command.Arguments[0] as string : null;
        _ = StreamAddress.Resolve(StreamAddress.HostOf(tcUrl), app, name ?? "", KnownVhosts);
        RtmpUrl.TryParse(tcUrl + "/" + name, out _);
        foreach (var argument in command.Arguments)
        {
            _ = (argument as AmfObject)?.GetString("code");
        }
    }
}
