using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.Silo.Api;

/// <summary>
/// DVR control and listing, in the spirit of SRS 2.0's dvr api (current SRS has none):
/// <list type="bullet">
/// <item>GET /api/v1/dvrs[?vhost=&amp;app=&amp;stream=]: streams with DVR state and their files (`dvrs`).</item>
/// <item>POST /api/v1/dvrs?app=&amp;stream=[&amp;vhost=&amp;plan=&amp;path=&amp;duration=&amp;wait_keyframe=]: records the stream's
/// live publish now, or its next publish; unset fields come from the vhost's dvr settings. The same
/// fields may come as a JSON object body.</item>
/// <item>DELETE /api/v1/dvrs?app=&amp;stream=[&amp;vhost=]: stops recording the live (or next) publish.</item>
/// </list>
/// A start or stop lasts for one publish; later publishes follow the vhost's settings again. The
/// stream may also be named by its id: /api/v1/dvrs/vid-xxxxxxx. Errors: code 400 for a missing app
/// or stream or a bad plan, 2048 for an unknown stream id.
/// </summary>
internal static class DvrsResource
{
    public static async Task<SrsReply> Handle(SrsRequest request)
    {
        var fields = await ReadFieldsAsync(request);
        string? key = null;
        if (request.Id.Length > 0)
        {
            key = await StreamDirectory.ResolveAsync(request.Grains, request.Id);
            if (key is null)
            {
                return SrsReply.Error(SrsErrorCodes.StreamNotFound);
            }
        }
        else if (Field(fields, "app") is { Length: > 0 } app && Field(fields, "stream") is { Length: > 0 } stream)
        {
            key = StreamKey.Of(Field(fields, "vhost") is { Length: > 0 } vhost ? vhost : StreamKey.DefaultVhost, app, stream);
        }

        var body = request.Envelope();
        if (request.IsGet)
        {
            body["dvrs"] = await ListAsync(request, fields, key);
            return SrsReply.Ok(body);
        }
        var isPost = HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method);
        if (!isPost && !request.IsDelete)
        {
            return SrsReply.MethodNotAllowed;
        }
        if (key is null)
        {
            return SrsReply.Error(SrsErrorCodes.BadRequest);
        }
        var dvr = request.Grains.GetGrain<IDvrGrain>(key);
        DvrStatus status;
        if (isPost)
        {
            if (!TryAssignment(fields, out var assignment))
            {
                return SrsReply.Error(SrsErrorCodes.BadRequest);
            }
            if (assignment is not null && (assignment.Plan.Length == 0 || assignment.Path.Length == 0))
            {
                // Fill what the caller left out from the vhost's settings.
                var settings = (await request.Grains.GetGrain<IVhostGrain>(StreamKey.Parse(key).Vhost).GetSettings()).Dvr;
                assignment = assignment with
                {
                    Plan = assignment.Plan.Length > 0 ? assignment.Plan : settings.Plan,
                    Path = assignment.Path.Length > 0 ? assignment.Path : settings.Path,
                    Duration = assignment.Duration > 0 ? assignment.Duration : settings.Duration,
                };
            }
            status = await dvr.Start(assignment);
            await request.Grains.GetGrain<IDvrDirectoryGrain>(0).Add(key);
        }
        else
        {
            status = await dvr.Stop();
        }
        body["dvr"] = Json(status);
        return SrsReply.Ok(body);
    }

    private static async Task<JsonArray> ListAsync(SrsRequest request, Dictionary<string, string> fields, string? key)
    {
        IEnumerable<string> keys = key is not null ? [key] : await request.Grains.GetGrain<IDvrDirectoryGrain>(0).List();
        var vhost = Field(fields, "vhost");
        var app = Field(fields, "app");
        var stream = Field(fields, "stream");
        keys = keys.Where(k =>
        {
            var name = StreamKey.Parse(k);
            return (vhost.Length == 0 || name.Vhost == vhost) && (app.Length == 0 || name.App == app) && (stream.Length == 0 || name.Stream == stream);
        });
        var statuses = await Task.WhenAll(keys.Select(k => request.Grains.GetGrain<IDvrGrain>(k).GetStatus()));
        return new JsonArray([.. statuses.Select(s => (JsonNode)Json(s))]);
    }

    private static JsonObject Json(DvrStatus status)
    {
        var (vhost, app, stream) = StreamKey.Parse(status.StreamKey);
        var files = new JsonArray();
        foreach (var f in status.Files)
        {
            files.Add(new JsonObject
            {
                ["file"] = f.Path,
                ["cwd"] = f.Cwd,
                ["format"] = f.Format,
                ["plan"] = f.Plan,
                ["start_ms"] = SrsJson.UnixMs(f.StartUtc),
                ["duration"] = Math.Round(f.Duration, 3),
                ["size"] = f.Size,
                ["closed"] = f.Closed,
                ["client_id"] = f.ClientId,
                ["gateway_id"] = f.GatewayId,
            });
        }
        var json = new JsonObject
        {
            ["vhost"] = vhost,
            ["app"] = app,
            ["stream"] = stream,
            ["url"] = StreamKey.Url(vhost, app, stream),
            ["live"] = status.Live,
            ["recording"] = status.Recording,
        };
        if (status.Assignment is { } a)
        {
            json["plan"] = a.Plan;
            json["path"] = a.Path;
            json["duration"] = a.Duration;
            json["wait_keyframe"] = a.WaitKeyframe;
            json["source"] = a.Source;
        }
        json["files"] = files;
        return json;
    }

    /// <summary>Null when no recording field is given (the vhost's settings apply); false for bad values.</summary>
    private static bool TryAssignment(Dictionary<string, string> fields, out DvrAssignment? assignment)
    {
        assignment = null;
        var plan = Field(fields, "plan");
        var path = Field(fields, "path");
        var duration = Field(fields, "duration");
        var wait = Field(fields, "wait_keyframe");
        if (plan.Length == 0 && path.Length == 0 && duration.Length == 0 && wait.Length == 0)
        {
            return true;
        }
        if (plan.Length > 0 && plan is not (DvrPlans.Session or DvrPlans.Segment))
        {
            return false;
        }
        double seconds = 0;
        if (duration.Length > 0 && (!double.TryParse(duration, NumberStyles.Float, CultureInfo.InvariantCulture, out seconds) || seconds <= 0))
        {
            return false;
        }
        var waitKeyframe = wait.Length == 0 || wait is "on" or "true" or "1";
        assignment = new DvrAssignment(plan, path, seconds, waitKeyframe, "api");
        return true;
    }

    private static string Field(Dictionary<string, string> fields, string name) => fields.GetValueOrDefault(name, "");

    /// <summary>Query fields, and for POST/PUT the members of a JSON object body (the query wins).</summary>
    private static async Task<Dictionary<string, string>> ReadFieldsAsync(SrsRequest request)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var http = request.Http;
        if (http.Request.ContentLength is > 0 and < 65536 || http.Request.Headers.ContentType.ToString().Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                using var doc = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in doc.RootElement.EnumerateObject())
                    {
                        fields[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.GetRawText();
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON: the query alone counts.
            }
        }
        foreach (var (name, value) in http.Request.Query)
        {
            fields[name] = value.ToString();
        }
        return fields;
    }
}
