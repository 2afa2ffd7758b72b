namespace OrleansLive.UnitTests.Fuzz;

/// <summary>
/// The one registry of fuzz targets: the bounded runs in the test suite (<see cref="FuzzTargetTests"/>),
/// the long runs of `infra/fuzz.sh TARGET MINUTES` and the AFL++ runs all take their targets from here.
/// </summary>
internal static partial class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        RtmpServer, RtmpClient, Amf, Flv, Codecs, TsDemuxer, PsDemuxer,
        HttpRequest, SrtStreamId, SrsConfig, Stun, Sdp, Rtp, Rtcp, Srtp, RtspRequest,
    ];

    public static FuzzTarget? Find(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The targets as xunit theory data.</summary>
    public static TheoryData<string> Names => [.. All.Select(t => t.Name)];
}
