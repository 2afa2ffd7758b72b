using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests.Srt;

/// <summary>The server started with <c>Gateway:Srt:Passphrase</c>.</summary>
public sealed class SrtPassphraseServer : ServerProcess
{
    public const string Passphrase = "gateway-secret-2024";

    protected override IEnumerable<string> Settings() => [$"--Gateway:Srt:Passphrase={Passphrase}"];
}

/// <summary>SRT encryption on the real gateway: the right passphrase publishes, the others are refused
/// in the handshake with a log line that says why, and the API never sees them.</summary>
public sealed class SrtPassphraseServerTests(SrtPassphraseServer server) : IClassFixture<SrtPassphraseServer>
{
    private static readonly TimeSpan Deadline = ServerProcess.Deadline;

    [Fact]
    public async Task The_right_passphrase_publishes_and_plays_over_rtmp_and_srt()
    {
        var stream = "enc" + Ids.Random(5);
        var secret = $"&passphrase={SrtPassphraseServer.Passphrase}";
        await using var publisher = SrtGatewayTests.PublishTs(server.Srt("live", stream, publish: true, secret));
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s
            && s.GetProperty("video").ValueKind == System.Text.Json.JsonValueKind.Object
            && s.GetProperty("audio").ValueKind == System.Text.Json.JsonValueKind.Object, Deadline, "the encrypted publish with codecs");
        Assert.Equal("srt-publish", Assert.Single(await server.FindClientsAsync(stream)).GetProperty("type").GetString());

        SrtGatewayTests.AssertH264AndAac(await Ffmpeg.ProbeStreamsAsync(server.Rtmp("live", stream), Deadline));
        SrtGatewayTests.AssertH264AndAac(await Ffmpeg.ProbeStreamsAsync(server.Srt("live", stream, publish: false, secret), Deadline));
        Assert.False(publisher.HasExited, publisher.StdErr);
    }

    [Theory]
    [InlineData("&passphrase=wrong-horse-battery", "Incorrect passphrase (BADSECRET)")]
    [InlineData("", "Password required or unexpected (UNSECURE)")]
    public async Task A_wrong_or_missing_passphrase_is_refused_logged_and_never_listed(string callerOption, string reason)
    {
        var stream = "bad" + Ids.Random(5);
        await using var refused = SrtGatewayTests.PublishTs(server.Srt("live", stream, publish: true, callerOption), seconds: 10);
        // Look at the API for as long as the caller tries: it must never show a client or a stream.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        do
        {
            Assert.True(clock.Elapsed < Deadline, "the refused caller should give up");
            Assert.Empty(await server.FindClientsAsync(stream));
            Assert.Null(await server.FindStreamAsync("live", stream));
        }
        while (!await refused.WaitForExitAsync(TimeSpan.FromMilliseconds(100)));
        Assert.NotEqual(0, refused.ExitCode);
        await Wait.UntilAsync(() => server.LogLines.Any(l =>
            l.Contains($"streamid '#!::r=live/{stream},m=publish' during the handshake: {reason}", StringComparison.Ordinal)), Deadline, "the refusal logged");
        Assert.Empty(await server.FindClientsAsync(stream));
        Assert.DoesNotContain(server.LogLines, l => l.Contains($"live/{stream}", StringComparison.Ordinal) && l.Contains("SRT client", StringComparison.Ordinal));
    }
}
