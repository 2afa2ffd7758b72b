using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using OrleansLive.GatewayEdge;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>What every fixture does to bring a server up on loopback.</summary>
public static class TestServers
{
    /// <summary>A loopback TCP port nothing listens on right now.</summary>
    /// <summary>Whether a GET answers 2xx; false while nothing listens there.</summary>
    public static async Task<bool> IsOkAsync(HttpClient http, string url)
    {
        try
        {
            using var response = await http.GetAsync(url);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A loopback UDP port nothing is bound to right now (SRT listens on UDP).</summary>
    public static int FreeUdpPort()
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }

    /// <summary>Starts a server built by <c>ServerApp.Build</c>, waits for the gateway's listeners and
    /// returns the ports the gateway and the API bound.</summary>
    public static async Task<(int Rtmp, int Http, int Api)> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        var endpoints = app.Services.GetRequiredService<GatewayEndpoints>();
        await endpoints.Ready.WaitAsync(TimeSpan.FromSeconds(30));
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (endpoints.RtmpPort, endpoints.HttpPort, new Uri(address).Port);
    }
}
