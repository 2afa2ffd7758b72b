using System.Buffers.Binary;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.IntegrationTests.Support;
using OrleansLive.Media.Containers.Amf;

namespace OrleansLive.IntegrationTests;

/// <summary>Bad input on the RTMP listener closes that one connection, logs why, and nothing else breaks.</summary>
[Collection(ServerCollection.Name)]
public sealed class RtmpBadInputTests(ServerFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Wrong_handshake_version_is_closed()
    {
        await using var client = await RawRtmpClient.ConnectAsync(server.RtmpPort);
        var c0c1 = new byte[RtmpHandshake.C0C1Size];
        c0c1[0] = 9;
        await client.SendAsync(c0c1);
        Assert.True(await client.WaitClosedAsync(Deadline));
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Truncated_handshake_is_closed()
    {
        await using (var client = await RawRtmpClient.ConnectAsync(server.RtmpPort))
        {
            await client.SendAsync(RtmpHandshake.CreateClientC0C1(complex: false)[..700]);
        }
        await Wait.UntilAsync(() => server.Logs.Lines.Any(l => l.Message.Contains("truncated handshake", StringComparison.Ordinal)), Deadline, "truncated handshake logged");
        await AssertServerStillServesAsync();
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(0x01000000u)]
    public async Task Invalid_chunk_size_is_closed(uint size)
    {
        await using var client = await RawRtmpClient.ConnectAsync(server.RtmpPort);
        await client.HandshakeAsync();
        var payload = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, size);
        await client.SendMessageAsync(2, RtmpMessageType.SetChunkSize, 0, payload);
        Assert.True(await client.WaitClosedAsync(Deadline));
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Message_longer_than_the_limit_is_closed()
    {
        await using var client = await RawRtmpClient.ConnectAsync(server.RtmpPort);
        await client.HandshakeAsync();
        // fmt 0 header on csid 4 announcing a 16 MiB - 1 video message, far above the 8 MiB limit.
        byte[] header = [0x04, 0, 0, 0, 0xFF, 0xFF, 0xFF, RtmpMessageType.Video, 1, 0, 0, 0];
        await client.SendAsync([.. header, .. new byte[128]]);
        Assert.True(await client.WaitClosedAsync(Deadline));
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Malformed_amf0_command_is_closed()
    {
        await using var client = await RawRtmpClient.ConnectAsync(server.RtmpPort);
        await client.HandshakeAsync();
        await client.SendMessageAsync(3, RtmpMessageType.CommandAmf0, 0, [0x02, 0x00, 0x07, (byte)'c', (byte)'o', 0x00, 0x44]);
        Assert.True(await client.WaitClosedAsync(Deadline));
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Publishing_an_empty_stream_name_is_closed()
    {
        await using var client = await RawRtmpClient.ConnectAsync(server.RtmpPort);
        await client.HandshakeAsync();
        await client.ConnectAppAsync(server.RtmpPort);
        await client.ReadCommandAsync("_result", Deadline);
        await client.SendCommandAsync("publish", 5, null, "", "live");
        Assert.True(await client.WaitClosedAsync(Deadline));
        Assert.Contains(server.Logs.Lines, l => l.Message.Contains("empty stream name", StringComparison.Ordinal));
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Unknown_command_gets_an_error_and_the_connection_stays()
    {
        await using var client = await RawRtmpClient.ConnectAsync(server.RtmpPort);
        await client.HandshakeAsync();
        await client.ConnectAppAsync(server.RtmpPort);
        await client.ReadCommandAsync("_result", Deadline);
        await client.SendCommandAsync("noSuchCommand", 7, null);
        var error = await client.ReadCommandAsync("_error", Deadline);
        Assert.Equal(7, error.TransactionId);
        await client.SendCommandAsync("createStream", 8, null);
        var result = await client.ReadCommandAsync("_result", Deadline);
        Assert.Equal(8, result.TransactionId);
    }

    /// <summary>A fresh client still completes handshake and connect after the bad one was closed.</summary>
    private async Task AssertServerStillServesAsync()
    {
        await using var client = await RawRtmpClient.ConnectAsync(server.RtmpPort);
        await client.HandshakeAsync();
        await client.ConnectAppAsync(server.RtmpPort);
        var result = await client.ReadCommandAsync("_result", Deadline);
        var info = Assert.IsType<AmfObject>(result.Arguments[0]);
        Assert.Equal("NetConnection.Connect.Success", info.GetString("code"));
    }
}
