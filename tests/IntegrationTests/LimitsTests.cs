using System.Net;
using System.Net.Sockets;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.IntegrationTests.Support;

namespace OrleansLive.IntegrationTests;

/// <summary>Gateway connection limits: max connections and connections per IP per second.</summary>
[Collection(HooksCollection.Name)]
public sealed class LimitsTests(HooksServerFixture server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Past_max_connections_the_next_client_is_refused_and_counted()
    {
        var before = await RefusedAsync("refused_max_connections");
        var held = new List<RawRtmpClient>();
        try
        {
            // Fill the gateway: every connection that completes its handshake holds a slot.
            RawRtmpClient? refused = null;
            for (var i = 0; i <= HooksServerFixture.MaxConnections && refused is null; i++)
            {
                var client = await RawRtmpClient.ConnectAsync(server.RtmpPort);
                try
                {
                    await client.HandshakeAsync();
                    held.Add(client);
                }
                catch (Exception ex) when (ex is IOException or SocketException or EndOfStreamException)
                {
                    refused = client;
                }
            }
            Assert.NotNull(refused);
            Assert.True(held.Count <= HooksServerFixture.MaxConnections, $"{held.Count} connections were admitted");
            await refused!.DisposeAsync();

            // An HTTP-FLV player is refused too, with 503.
            using var http = new HttpClient { Timeout = Deadline };
            using (var response = await http.GetAsync(server.FlvUrl("live", "full"), HttpCompletionOption.ResponseHeadersRead))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            }
            Assert.Contains(server.Logs.Lines, l => l.Message.Contains($"max connections {HooksServerFixture.MaxConnections} reached", StringComparison.Ordinal));
            await Wait.UntilAsync(async () => await RefusedAsync("refused_max_connections") >= before + 2, Deadline, "refusals counted in /api/v1/summaries");
            var summaries = await server.GetJsonAsync("api/v1/summaries");
            Assert.True(summaries.GetProperty("data").GetProperty("system").GetProperty("conn_srs_refused").GetInt64() >= before + 2);
        }
        finally
        {
            foreach (var client in held)
            {
                await client.DisposeAsync();
            }
        }

        // Once the held connections are gone, clients are admitted again.
        await Wait.UntilAsync(() => server.ConnectAsync("limits"), Deadline, "a connection admitted again");
    }

    [Fact]
    public async Task Too_many_connections_per_second_from_one_ip_are_refused_and_counted()
    {
        var before = await RefusedAsync("refused_ip_rate");
        // Several times the per-second allowance, as fast as loopback allows.
        for (var i = 0; i < HooksServerFixture.MaxConnectionsPerIpPerSecond * 4; i++)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, server.RtmpPort);
        }
        await Wait.UntilAsync(async () => await RefusedAsync("refused_ip_rate") > before, Deadline, "rate refusals counted in /api/v1/summaries");
        Assert.Contains(server.Logs.Lines, l => l.Message.Contains($"more than {HooksServerFixture.MaxConnectionsPerIpPerSecond} connections per second", StringComparison.Ordinal));

        // The allowance comes back with the next second.
        await Wait.UntilAsync(() => server.ConnectAsync("limits"), Deadline, "a connection admitted again");
    }

    /// <summary>The co-hosted gateway's refusal counter of this kind, from /api/v1/summaries.</summary>
    private async Task<long> RefusedAsync(string counter)
    {
        var summaries = await server.GetJsonAsync("api/v1/summaries");
        return summaries.GetProperty("data").GetProperty("gateways").EnumerateArray()
            .Where(g => g.GetProperty("max_connections").GetInt32() == HooksServerFixture.MaxConnections)
            .Sum(g => g.GetProperty(counter).GetInt64());
    }
}
