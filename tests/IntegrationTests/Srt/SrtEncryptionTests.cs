using OrleansLive.GatewayEdge.Protocols.Srt;
using OrleansLive.IntegrationTests.Support;

namespace OrleansLive.IntegrationTests.Srt;

public class SrtEncryptionTests
{
    private const string Passphrase = "correct-horse-battery";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RightPassphraseConnectsAndDecrypts()
    {
        using var srt = new SrtTestServer(new SrtServerOptions { Passphrase = Passphrase, PbKeyLength = 16 });
        await using var ffmpeg = SrtTs.Publish(srt.Url("#!::r=live/enc,m=publish", $"&passphrase={Passphrase}&pbkeylen=16"));
        var connection = await srt.NextConnectionAsync(Timeout);
        await SrtTs.ReadTsAsync(connection, 100_000, Timeout);
        Assert.Equal(0, connection.Stats()!.PacketsUndecrypted);
    }

    [Theory]
    [InlineData("&passphrase=wrong-horse-battery", "Incorrect passphrase (BADSECRET)")]
    [InlineData("", "Password required or unexpected (UNSECURE)")]
    public async Task WrongOrMissingPassphraseIsRefusedAndLogged(string callerOption, string reason)
    {
        using var srt = new SrtTestServer(new SrtServerOptions { Passphrase = Passphrase });
        await using var ffmpeg = SrtTs.Publish(srt.Url("#!::r=live/enc,m=publish", callerOption));
        await Wait.UntilAsync(() => srt.Logged($"streamid '#!::r=live/enc,m=publish' during the handshake: {reason}"), Timeout, "the refusal to be logged");
        Assert.True(await ffmpeg.WaitForExitAsync(Timeout), "ffmpeg kept running after the refusal");
        Assert.NotEqual(0, ffmpeg.ExitCode);
        Assert.False(srt.Server.Accepted.TryRead(out _));
        Assert.Empty(srt.Server.Connections);
    }

    [Fact]
    public async Task ValidatorGivesAStreamItsOwnPassphrase()
    {
        const string StreamSecret = "per-stream-secret-42";
        using var srt = new SrtTestServer(validator: h => h.StreamId.Contains("r=live/secret", StringComparison.Ordinal)
            ? SrtHandshakeDecision.AcceptWithPassphrase(StreamSecret)
            : SrtHandshakeDecision.Accept);

        await using (var without = SrtTs.Publish(srt.Url("#!::r=live/secret,m=publish")))
        {
            await Wait.UntilAsync(() => srt.Logged("streamid '#!::r=live/secret,m=publish' during the handshake"), Timeout, "the refusal to be logged");
        }
        await using var with = SrtTs.Publish(srt.Url("#!::r=live/secret,m=publish", $"&passphrase={StreamSecret}"));
        var connection = await srt.NextConnectionAsync(Timeout);
        await SrtTs.ReadTsAsync(connection, 50_000, Timeout);
    }
}
