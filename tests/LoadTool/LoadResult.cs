using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.LoadTool;

/// <summary>One second of a run, as printed.</summary>
public sealed record SecondSample(
    double T,
    int RtmpPlaying,
    int FlvPlaying,
    int TsPlaying,
    int SrtPlaying,
    int WhepPlaying,
    int PublishersUp,
    double Mbps,
    long FramesPerSecond,
    int StalledNow,
    int Dropped,
    int Failed,
    double? LatencyP50Ms,
    double? LatencyP99Ms);

/// <summary>Server process figures over the measurement window (null without --server-pid).</summary>
public sealed record ServerFigures(
    IReadOnlyList<int> Pids,
    double CpuSeconds,
    double? CpuSecondsPerGB,
    double CpuPercent,
    long RssBeforePlayersKiB,
    long RssLoadedKiB,
    double? RssPerPlayerKiB);

/// <summary>Per player kind.</summary>
public sealed record PlayerTotals(
    string Kind,
    int Players,
    int GotFrames,
    int Held,
    int Stalled,
    int Dropped,
    int Failed,
    long VideoFrames,
    long AudioFrames,
    long Bytes);

/// <summary>What the WHEP players received: ICE and DTLS completed (<paramref name="Connected"/>),
/// SRTP packets that authenticated, and packets missing from their sequence numbers.</summary>
public sealed record RtpTotals(
    int Players,
    int Connected,
    long Packets,
    long Lost,
    double LossPercent,
    int PlayersWithLoss,
    long RtcpPackets,
    long UnprotectFailures);

/// <summary>Everything a run measured. Bytes and rates cover the measurement window, in which every
/// player had started; GB is 10^9 bytes and Mbps 10^6 bits per second.</summary>
public sealed record LoadResult(
    string Label,
    string ServerName,
    string Url,
    DateTime StartedUtc,
    int Publishers,
    int PublishersStarted,
    long BitsPerSecond,
    int RtmpPlayers,
    int FlvPlayers,
    int TsPlayers,
    int SrtPlayers,
    int WhepPlayers,
    int PlayersGotFrames,
    int PlayersHeld,
    int PlayersStalled,
    int StallEvents,
    int PlayersDropped,
    int PlayersFailed,
    double RampSeconds,
    double SteadySeconds,
    long SteadyBytes,
    double DeliveredMbps,
    double FramesPerSecond,
    double? MaxGapMs,
    double PublisherMaxLateMs,
    LatencySummary Latency,
    LatencySummary LatencyWholeRun,
    LatencySummary TimeToFirstFrame,
    ServerFigures? Server,
    IReadOnlyList<PlayerTotals> Kinds,
    IReadOnlyList<string> Errors,
    IReadOnlyList<SecondSample> Seconds,
    RtpTotals? Rtp = null,
    int LlHlsPlayers = 0)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public int Players => RtmpPlayers + FlvPlayers + TsPlayers + SrtPlayers + WhepPlayers + LlHlsPlayers;

    /// <summary>Every player got frames and none stalled, dropped or failed.</summary>
    public bool Clean => Players > 0 && PlayersHeld == Players;
}
