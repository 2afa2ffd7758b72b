using System.Text.Json.Nodes;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.Silo.Api;

/// <summary>/api/v1/streams[/id]: GET only; the list is paged with start/count.</summary>
internal static class StreamsResource
{
    public static async Task<SrsReply> Handle(SrsRequest request)
    {
        var view = new LiveView(request.Grains);
        var one = request.Id.Length > 0 ? await view.Stream(request.Id) : null;
        // As in SRS, an unknown id is reported before the method is looked at.
        if (request.Id.Length > 0 && one is null)
        {
            return SrsReply.Error(SrsErrorCodes.StreamNotFound);
        }
        if (!request.IsGet)
        {
            return SrsReply.MethodNotAllowed;
        }

        var body = request.Envelope();
        if (one is not null)
        {
            body["stream"] = SrsJson.Stream(one, await view.VhostId(one.Vhost), request.NowUtc);
            return SrsReply.Ok(body);
        }

        var (start, count) = request.Page();
        var page = (await view.ListStreams()).Skip(start).Take(count);
        var list = new JsonArray();
        foreach (var stream in await view.StreamSnapshots(page))
        {
            list.Add(SrsJson.Stream(stream, await view.VhostId(stream.Vhost), request.NowUtc));
        }
        body["streams"] = list;
        return SrsReply.Ok(body);
    }
}
