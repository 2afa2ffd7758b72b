using System.Text.Json.Nodes;
using OrleansLive.Interfaces;

namespace OrleansLive.Silo.Api;

/// <summary>
/// Beyond SRS, whose API does not show them: the supervised processes of every gateway.
/// GET /api/v1/ingests lists the ingests (`ingests`), GET /api/v1/execs the exec commands (`execs`),
/// GET /api/v1/transcodes the transcode engines (`transcodes`, by source stream and engine name); each with its state (running, backoff, stopped), pid, restarts, last exit code, start time, command
/// and the last lines of its stderr. Stream entries of /api/v1/streams carry theirs as `processes`.
/// </summary>
internal static class ProcessesResource
{
    public static Task<SrsReply> Ingests(SrsRequest request) => Handle(request, ProcessKinds.Ingest, "ingests");

    public static Task<SrsReply> Execs(SrsRequest request) => Handle(request, ProcessKinds.Exec, "execs");

    public static Task<SrsReply> Transcodes(SrsRequest request) => Handle(request, ProcessKinds.Transcode, "transcodes");

    private static async Task<SrsReply> Handle(SrsRequest request, string kind, string field)
    {
        if (!request.IsGet)
        {
            return SrsReply.MethodNotAllowed;
        }
        var list = new JsonArray();
        foreach (var process in await request.Grains.GetGrain<IProcessDirectoryGrain>(0).List())
        {
            if (process.Kind == kind)
            {
                list.Add(Json(process));
            }
        }
        var body = request.Envelope();
        body[field] = list;
        return SrsReply.Ok(body);
    }

    public static JsonObject Json(ProcessStatus p)
    {
        var key = StreamKey.Parse(p.StreamKey);
        return new JsonObject
        {
            ["kind"] = p.Kind,
            ["id"] = p.Name,
            ["vhost"] = key.Vhost,
            ["app"] = key.App,
            ["stream"] = key.Stream,
            ["gateway"] = p.GatewayId,
            ["state"] = p.State,
            ["pid"] = p.Pid,
            ["restarts"] = p.Restarts,
            ["last_exit_code"] = p.LastExitCode,
            ["started_ms"] = p.StartedUtc is { } started ? SrsJson.UnixMs(started) : null,
            ["command"] = new JsonArray(p.Command.Select(a => (JsonNode?)a).ToArray()),
            ["stderr"] = new JsonArray(p.StderrTail.Select(l => (JsonNode?)l).ToArray()),
        };
    }

    /// <summary>Adds `processes` to each stream entry that has ingests, execs or transcode engines.</summary>
    public static async Task AddToStreamsAsync(IGrainFactory grains, IEnumerable<(JsonObject Json, string Key)> streams)
    {
        var byStream = (await grains.GetGrain<IProcessDirectoryGrain>(0).List()).ToLookup(p => p.StreamKey, StringComparer.Ordinal);
        foreach (var (json, key) in streams)
        {
            if (byStream[key].Any())
            {
                json["processes"] = new JsonArray(byStream[key].Select(p => (JsonNode)Json(p)).ToArray());
            }
        }
    }
}
