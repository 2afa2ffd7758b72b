
namespace OrleansLive.Silo.Api;

/// <summary>SRS's error codes that the HTTP API answers with (body {"code":N}, HTTP status 200).</summary>
internal static class SrsErrorCodes
{
    public const int Success = 0;

    /// <summary>SRS answers a kick of a client without a connection object with the HTTP code as its error code.</summary>
    public const int BadRequest = 400;

    public const int VhostNotFound = 2014;
    public const int StreamNotFound = 2048;
    public const int ClientNotFound = 2049;
}
