using System.Text.Json.Nodes;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.Silo.Api;

/// <summary>What an API handler answers: a JSON body (HTTP 200, as SRS sends even its errors) or a bare status.</summary>
internal readonly record struct SrsReply(JsonObject? Body, int Status)
{
    public static SrsReply Ok(JsonObject body) => new(body, StatusCodes.Status200OK);

    /// <summary>SRS's error reply: just {"code":N}.</summary>
    public static SrsReply Error(int code) => new(new JsonObject { ["code"] = code }, StatusCodes.Status200OK);

    public static SrsReply MethodNotAllowed { get; } = new(null, StatusCodes.Status405MethodNotAllowed);
}
