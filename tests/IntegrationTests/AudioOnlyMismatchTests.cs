using System.Net;
using System.Text.Json;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests;

/// <summary>
/// `.mp3` of an AAC stream and `.aac` of an MP3 stream: refused with 404 when the stream's audio is
/// already known, ended when the other audio arrives later; either way no client record stays behind.
/// </summary>
[Collection(MediaCollection.Name)]
public sealed class AudioOnlyMismatchTests(MediaFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Audio_of_another_codec_is_a_404_and_leaves_no_record()
    {
        var aacStream = "aaconly" + Ids.Random(5);
        var mp3Stream = "mp3only" + Ids.Random(5);
        await using var aac = MediaTools.Publish(server.RtmpUrl("live", aacStream), 0);
        await using var mp3 = MediaTools.Publish(server.RtmpUrl("live", mp3Stream), 0, "mp3");
        await Wait.UntilAsync(async () => (await server.FindStreamAsync("live", aacStream))?.GetProperty("audio").ValueKind == JsonValueKind.Object
            && (await server.FindStreamAsync("live", mp3Stream))?.GetProperty("audio").ValueKind == JsonValueKind.Object, Deadline, "both streams published");

        using (var response = await Http.GetAsync(server.HttpUrl($"live/{aacStream}.mp3"), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        using (var response = await Http.GetAsync(server.HttpUrl($"live/{mp3Stream}.aac"), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        Assert.Contains(server.Logs.Lines, l => l.Message.Contains(aacStream, StringComparison.Ordinal) && l.Message.Contains("the stream's audio is Aac", StringComparison.Ordinal));

        // The matching format still plays, and only the publishers are clients of the two streams.
        var probe = await MediaTools.ProbeAsync(server.HttpUrl($"live/{mp3Stream}.mp3"));
        Assert.Equal(["mp3"], probe.Codecs);
        await Wait.UntilAsync(async () => (await server.FindClientsAsync(aacStream)).Count == 1 && (await server.FindClientsAsync(mp3Stream)).Count == 1,
            Deadline, "only the publishers listed");
        Assert.All(await server.FindClientsAsync(aacStream), c => Assert.True(c.GetProperty("publish").GetBoolean()));
    }

    [Fact]
    public async Task A_player_waiting_for_a_stream_whose_audio_turns_out_other_is_ended_and_forgotten()
    {
        var stream = "mp3wait" + Ids.Random(5);
        using var response = await Http.GetAsync(server.HttpUrl($"live/{stream}.mp3"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Wait.UntilAsync(async () => (await server.FindClientsAsync(stream)).Count == 1, Deadline, "the waiting player listed");

        await using var publisher = MediaTools.Publish(server.RtmpUrl("live", stream), 0);
        await using var body = await response.Content.ReadAsStreamAsync();
        var read = await body.ReadAsync(new byte[4096]).AsTask().WaitAsync(Deadline);
        Assert.Equal(0, read); // ended without a byte of AAC passed off as MP3
        await Wait.UntilAsync(async () => (await server.FindClientsAsync(stream)).All(c => c.GetProperty("publish").GetBoolean()),
            Deadline, "the player's record gone");
    }
}
