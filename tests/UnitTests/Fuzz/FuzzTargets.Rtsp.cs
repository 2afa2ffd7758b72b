using System.Text;
using OrleansLive.Media.Rtsp;

namespace OrleansLive.UnitTests.Fuzz;

/// <summary>RTSP: the bytes of a client connection, requests and interleaved frames, as the server reads them.</summary>
internal static partial class FuzzTargets
{
    private static FuzzTarget RtspRequest => new()
    {
        Name = "RtspRequest",
        Summary = "RTSP client bytes (ffmpeg play and publish sessions, UDP and TCP SETUPs, keep-alives, interleaved frames, "
            + "a LIVE555 Digest DESCRIBE): RtspRequestReader.TryRead over the whole buffer as a connection reads it, then the "
            + "request URL (RtspUrl), Transport (RtspTransport) and an ANNOUNCE body (RtspSdp.TryParseAnnounce)",
        MaxAllocatedBytes = 2L << 20,
        BoundedInputs = 20_000,
        MinAccepted = 4_000,
        Mutate = (random, seed) => Mutations.Mutate(random, seed, maxEdits: 5, maxChunk: 200),
        Start = () => (data, random) =>
        {
            var accepted = false;
            var offset = 0;
            while (offset < data.Length)
            {
                var rest = data.AsSpan(offset);
                var status = RtspRequestReader.TryRead(rest, out var request, out var consumed, out var frame, out var error);
                if (status is RtspReadStatus.NeedMore)
                {
                    FuzzInvariantException.Check(rest.Length <= RtspRequestReader.MaxMessageBytes, $"{rest.Length} bytes held waiting for more");
                    break;
                }
                if (status is RtspReadStatus.Invalid)
                {
                    FuzzInvariantException.Check(error.Length > 0, "an invalid request without a reason");
                    break;
                }
                FuzzInvariantException.Check(consumed > 0 && consumed <= rest.Length, $"consumed {consumed} of {rest.Length} bytes");
                if (status is RtspReadStatus.Interleaved)
                {
                    FuzzInvariantException.Check(frame.Offset + frame.Length == consumed, "an interleaved frame outside what it consumed");
                }
                else
                {
                    FuzzInvariantException.Check(request is not null && request.CSeq >= 0, "a request without its CSeq");
                    if (RtspUrl.TryParse(request!.Url, out var url))
                    {
                        FuzzInvariantException.Check(url.App.Length > 0 && url.Stream.Length > 0, $"'{request.Url}' parsed without app or stream");
                    }
                    if (RtspTransport.ParseFirstUsable(request.Header("Transport")) is { } transport)
                    {
                        FuzzInvariantException.Check(RtspTransport.TryParse(transport.ToString(), out var back) && back.Tcp == transport.Tcp, $"transport '{transport}' does not read back");
                    }
                    if (request.Body.Length > 0 && RtspSdp.TryParseAnnounce(Encoding.UTF8.GetString(request.Body), out var tracks, out _, out _))
                    {
                        FuzzInvariantException.Check(tracks.Count is > 0 and <= 2, $"{tracks.Count} tracks announced");
                        _ = RtspSdp.Describe("127.0.0.1", "s", tracks);
                    }
                    _ = request.SessionId;
                }
                accepted = true;
                offset += consumed;
            }
            return accepted;
        },
    };
}
