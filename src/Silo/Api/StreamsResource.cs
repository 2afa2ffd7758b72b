using System.Text.Json.Nodes;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.Silo.Api;

/// <summary>/api/v1/streams[/id]: GET only; the list is paged with start/count. Streams with ingests
/// or exec commands list them as `processes`.</summary>
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
            var json = SrsJson.Stream(one, await view.VhostId(one.Vhost), request.NowUtc);
            await ProcessesResource.AddToStreamsAsync(request.Grains, [(json, StreamKey.Of(one.Vhost, one.App, one.Stream))]);
            body["stream"] = json;
            return SrsReply.Ok(body);
        }

        var (start, count) = request.Page();
        var page = (await view.ListStreams()).Skip(start).Take(count);
        var entries = new List<(JsonObject Json, string Key)>();
        foreach (var stream in await view.StreamSnapshots(page))
        {
            entries.Add((SrsJson.Stream(stream, await view.VhostId(stream.Vhost), request.NowUtc), StreamKey.Of(stream.Vhost, stream.App, stream.Stream)));
        }
        await ProcessesResource.AddToStreamsAsync(request.Grains, entries);
        body["streams"] = new JsonArray(entries.Select(e => (JsonNode)e.Json).ToArray());
        return SrsReply.Ok(body);
    }
}
