using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests.Processes;

/// <summary>Ingests follow configuration reloads: an added one starts, a changed one starts again with
/// its new command, a removed one stops and its stream ends.</summary>
public sealed class IngestReloadTests(IngestReloadServer server) : IClassFixture<IngestReloadServer>
{
    private static readonly TimeSpan Deadline = ServerProcess.Deadline;

    private async Task<JsonElement[]> IngestsAsync() =>
        [.. (await server.GetJsonAsync("api/v1/ingests")).GetProperty("ingests").EnumerateArray()];

    private async Task WaitForIngestedVideoAsync(string stream)
    {
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", stream) is { } s
            && s.GetProperty("video").ValueKind == JsonValueKind.Object, Deadline, $"live/{stream} with video");
        await Wait.UntilAsync(async () => (await IngestsAsync()).Any(i => i.GetProperty("id").GetString() == "late"
            && i.GetProperty("stream").GetString() == stream && i.GetProperty("state").GetString() == ProcessStates.Running), Deadline, $"ingest late into {stream} running");
    }

    [Fact]
    public async Task Reload_starts_an_added_ingest_restarts_a_changed_one_and_stops_a_removed_one()
    {
        Assert.Empty(await IngestsAsync());

        await server.ReloadWithIngestsAsync(new JsonObject { ["late"] = server.Ingest("late1") });
        await WaitForIngestedVideoAsync("late1");

        await server.ReloadWithIngestsAsync(new JsonObject { ["late"] = server.Ingest("late2") });
        await WaitForIngestedVideoAsync("late2");
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", "late1") is null, Deadline, "the old stream to end");
        Assert.Single(await IngestsAsync());

        await server.ReloadWithIngestsAsync([]);
        await Wait.UntilAsync(async () => (await IngestsAsync()).Length == 0, Deadline, "the removed ingest gone from the API");
        await Wait.UntilAsync(async () => await server.FindStreamAsync("live", "late2") is null, Deadline, "its stream to end");
    }
}
