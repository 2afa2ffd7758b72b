using System.Net;
using System.Text.Json;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests;

/// <summary>ffmpeg publishes over RTMP to a vhost with snapshots; the JPEG is served on the HTTP port,
/// read by ffprobe, refreshed every second and listed in the API.</summary>
[Collection(MediaCollection.Name)]
public sealed class SnapshotTests(MediaFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private const string Vhost = MediaFixture.SnapshotVhost;

    private async Task<JsonElement?> ListedSnapshotAsync(string stream) =>
        await server.FindStreamAsync("live", stream) is { } s && s.TryGetProperty("snapshot", out var snapshot) ? snapshot : null;

    [Fact]
    public async Task A_live_stream_has_a_scaled_jpeg_snapshot_that_ffprobe_reads_the_api_lists_and_that_goes_with_the_publish()
    {
        var stream = "snap" + Ids.Random(5);
        var url = server.HttpUrl($"live/{stream}.jpg", Vhost);
        await using (var publisher = Ffmpeg.Publish(server.RtmpUrl("live", stream, Vhost)))
        {
            var jpeg = await Wait.ForAsync(async () =>
            {
                using var response = await server.Api.GetAsync(url);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return null;
                }
                Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
                Assert.True(response.Headers.CacheControl?.NoCache);
                return await response.Content.ReadAsByteArrayAsync();
            }, Deadline, "a snapshot of the live stream");

            Assert.Equal([0xFF, 0xD8], jpeg[..2]);
            var file = Path.Combine(server.Root, stream + ".jpg");
            await File.WriteAllBytesAsync(file, jpeg);
            var probed = Assert.Single(await Ffmpeg.ProbeStreamsAsync(file, MediaTools.ProbeTimeout));
            Assert.Equal("mjpeg", probed.GetProperty("codec_name").GetString());
            // The 640x360 publish scaled to the vhost's width of 320.
            Assert.Equal(320, probed.GetProperty("width").GetInt32());
            Assert.Equal(180, probed.GetProperty("height").GetInt32());

            var listed = (await Wait.ForAsync(() => ListedSnapshotAsync(stream), Deadline, "the snapshot in /api/v1/streams"))!.Value;
            Assert.Equal($"/live/{stream}.jpg?vhost={Vhost}", listed.GetProperty("url").GetString());
            Assert.Equal(320, listed.GetProperty("width").GetInt32());
            Assert.Equal(180, listed.GetProperty("height").GetInt32());
            Assert.False(string.IsNullOrEmpty(listed.GetProperty("gateway").GetString()));
            // Taken every second (at the next keyframe): a newer one is listed soon.
            var first = listed.GetProperty("time_ms").GetInt64();
            await Wait.UntilAsync(async () => await ListedSnapshotAsync(stream) is { } later && later.GetProperty("time_ms").GetInt64() > first,
                Deadline, "a newer snapshot");
        }

        await Wait.UntilAsync(async () =>
        {
            using var response = await server.Api.GetAsync(url);
            return response.StatusCode == HttpStatusCode.NotFound;
        }, Deadline, "no snapshot once the publisher left");
    }

    [Theory]
    [InlineData("live/nosuch.jpg")]
    [InlineData("nosuch.jpg")]
    [InlineData("live/%2e%2e/%2e%2e/etc/passwd.jpg")]
    public async Task A_snapshot_of_a_stream_that_is_not_live_is_a_404(string path)
    {
        using var snapshot = await server.Api.GetAsync(server.HttpUrl(path, Vhost));
        Assert.Equal(HttpStatusCode.NotFound, snapshot.StatusCode);
        using var plain = await server.Api.GetAsync(server.HttpUrl(path));
        Assert.Equal(HttpStatusCode.NotFound, plain.StatusCode);
    }
}
