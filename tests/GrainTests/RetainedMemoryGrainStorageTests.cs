using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansLive.Grains;
using OrleansLive.Interfaces;
using OrleansLive.Silo.Storage;

namespace OrleansLive.GrainTests;

public sealed class RetainedMemoryGrainStorageTests
{
    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static GrainId Id(string key) => GrainId.Create("clientsession", key);

    private static GrainState<ClientSessionState> Record(long sent) => new(new ClientSessionState { SendBytes = sent, RecvBytes = 7 });

    private static async Task<GrainState<ClientSessionState>> Read(RetainedMemoryGrainStorage storage, string key)
    {
        var state = new GrainState<ClientSessionState>(new ClientSessionState());
        await storage.ReadStateAsync("session", Id(key), state);
        return state;
    }

    [Fact]
    public async Task A_record_reads_back_as_written_and_a_stale_etag_is_refused()
    {
        var storage = new RetainedMemoryGrainStorage(Serializer, TimeSpan.FromDays(7), 100, new ManualTime());
        var written = Record(42);
        await storage.WriteStateAsync("session", Id("a"), written);

        var read = await Read(storage, "a");
        Assert.True(read.RecordExists);
        Assert.Equal((42L, 7L), (read.State!.SendBytes, read.State.RecvBytes));
        Assert.Equal(written.ETag, read.ETag);

        await storage.WriteStateAsync("session", Id("a"), read);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("session", Id("a"), written));

        await storage.ClearStateAsync("session", Id("a"), read);
        Assert.False((await Read(storage, "a")).RecordExists);
    }

    [Fact]
    public async Task A_record_not_written_for_the_retention_is_gone_and_dropped_at_the_next_sweep()
    {
        var time = new ManualTime();
        var storage = new RetainedMemoryGrainStorage(Serializer, TimeSpan.FromHours(1), 100, time);
        await storage.WriteStateAsync("session", Id("old"), Record(1));

        time.Now += TimeSpan.FromMinutes(61);
        Assert.False((await Read(storage, "old")).RecordExists);
        await storage.WriteStateAsync("session", Id("new"), Record(2));

        Assert.Equal(1, storage.Count);
        Assert.True((await Read(storage, "new")).RecordExists);
    }

    [Fact]
    public async Task Beyond_the_most_records_the_oldest_are_dropped_first()
    {
        var time = new ManualTime();
        var storage = new RetainedMemoryGrainStorage(Serializer, TimeSpan.FromDays(7), 10, time);
        for (var i = 0; i < 12; i++)
        {
            time.Now += TimeSpan.FromSeconds(1);
            await storage.WriteStateAsync("session", Id("s" + i), Record(i));
        }

        Assert.Equal(10, storage.Count);
        Assert.False((await Read(storage, "s0")).RecordExists);
        Assert.False((await Read(storage, "s1")).RecordExists);
        Assert.Equal(11L, (await Read(storage, "s11")).State!.SendBytes);
    }
}
