using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.Silo.Api;

/// <summary>The descriptive endpoints: /api/, /api/v1/, versions, authors and features.</summary>
internal static class InfoResources
{
    // The SRS HTTP API level this server speaks: v6.0.0 replies, field for field.
    public const int Major = 6;
    public const int Minor = 0;
    public const int Revision = 0;
    public static readonly string Version = $"{Major}.{Minor}.{Revision}";

    public static Task<SrsReply> Api(SrsRequest request)
    {
        var body = request.Envelope();
        body["urls"] = new JsonObject { ["v1"] = "the api version 1.0" };
        return Reply(body);
    }

    public static Task<SrsReply> V1(SrsRequest request)
    {
        var body = request.Envelope();
        body["urls"] = new JsonObject
        {
            ["versions"] = "the version of SRS",
            ["summaries"] = "the summary(pid, argv, pwd, cpu, mem) of SRS",
            ["rusages"] = "the rusage of SRS",
            ["self_proc_stats"] = "the self process stats",
            ["system_proc_stats"] = "the system process stats",
            ["meminfos"] = "the meminfo of system",
            ["authors"] = "the license, copyright, authors and contributors",
            ["features"] = "the supported features of SRS",
            ["vhosts"] = "manage all vhosts or specified vhost",
            ["streams"] = "manage all streams or specified stream",
            ["clients"] = "manage all clients or specified client, default query top 10 clients",
            ["raw"] = "raw api for srs, support CUID srs for instance the config",
            ["clusters"] = "origin cluster server API",
            ["dvrs"] = "list the DVR files, start (POST) or stop (DELETE) recording a stream",
            ["ingests"] = "the ingests' supervised ffmpeg processes, their state and stderr",
            ["execs"] = "the exec commands run beside publishes, their state and stderr",
            ["transcodes"] = "the transcode engines' ffmpeg processes by source stream, their state and stderr",
        };
        // SRS lists its test endpoints here; this server has none of them, so each says so.
        body["tests"] = new JsonObject
        {
            ["requests"] = "show the request info (not served here)",
            ["errors"] = "always return an error 100 (not served here)",
            ["redirects"] = "always redirect to /api/v1/test/errors (not served here)",
            ["[vhost]"] = "http vhost for http://error.srs.com:1985/api/v1/tests/errors (not served here)",
        };
        return Reply(body);
    }

    public static Task<SrsReply> Versions(SrsRequest request)
    {
        var body = request.Envelope();
        body["data"] = new JsonObject
        {
            ["major"] = Major,
            ["minor"] = Minor,
            ["revision"] = Revision,
            ["version"] = Version,
        };
        return Reply(body);
    }

    public static Task<SrsReply> Authors(SrsRequest request)
    {
        var body = request.Envelope();
        body["data"] = new JsonObject
        {
            ["license"] = "MIT",
            ["contributors"] = "OrleansLive contributors",
        };
        return Reply(body);
    }

    /// <summary>Flags for what this server does today; they turn on as the features land.</summary>
    public static Task<SrsReply> Features(SrsRequest request)
    {
        var built = File.GetLastWriteTimeUtc(typeof(InfoResources).Assembly.Location);
        var body = request.Envelope();
        body["data"] = new JsonObject
        {
            ["options"] = "",
            ["options2"] = "",
            ["build"] = built.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            ["build2"] = new DateTimeOffset(built).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["features"] = new JsonObject
            {
                ["ssl"] = false,
                ["hls"] = true,
                ["hds"] = false,
                ["callback"] = true,
                ["api"] = true,
                ["httpd"] = true,
                ["dvr"] = true,
                ["transcode"] = false,
                ["ingest"] = false,
                ["stat"] = true,
                ["caster"] = false,
                ["complex_send"] = false,
                ["tcp_nodelay"] = false,
                ["so_sendbuf"] = false,
                ["mr"] = false,
            },
        };
        return Reply(body);
    }

    private static Task<SrsReply> Reply(JsonObject body) => Task.FromResult(SrsReply.Ok(body));
}
