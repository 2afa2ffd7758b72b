using OrleansLive.Media.Rtsp;

namespace OrleansLive.UnitTests.Rtsp;

public class RtspTransportTests
{
    [Fact]
    public void Reads_tcp_interleaved()
    {
        var transport = RtspTransport.ParseFirstUsable("RTP/AVP/TCP;unicast;interleaved=2-3");
        Assert.NotNull(transport);
        Assert.True(transport.Tcp);
        Assert.Equal((2, 3), (transport.RtpChannel, transport.RtcpChannel));
        Assert.Equal("RTP/AVP/TCP;unicast;interleaved=2-3", transport.ToString());
    }

    [Fact]
    public void Reads_udp_client_ports_and_record_mode()
    {
        var transport = RtspTransport.ParseFirstUsable("RTP/AVP/UDP;unicast;client_port=25000-25001;mode=record");
        Assert.NotNull(transport);
        Assert.False(transport.Tcp);
        Assert.True(transport.Record);
        Assert.Equal((25000, 25001), (transport.ClientRtpPort, transport.ClientRtcpPort));
        var reply = transport with { ServerRtpPort = 40000, ServerRtcpPort = 40001 };
        Assert.Equal("RTP/AVP;unicast;client_port=25000-25001;server_port=40000-40001;mode=record", reply.ToString());
    }

    [Fact]
    public void Takes_the_first_usable_of_several_specs()
    {
        var transport = RtspTransport.ParseFirstUsable("RTP/SAVP;unicast;client_port=1-2,RTP/AVP;multicast,RTP/AVP;unicast;client_port=5000");
        Assert.NotNull(transport);
        Assert.Equal((5000, 5001), (transport.ClientRtpPort, transport.ClientRtcpPort));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("RAW/RAW/UDP;unicast")]
    [InlineData("RTP/AVP/TCP;interleaved=300-301")]
    [InlineData("RTP/AVP;client_port=70000-70001")]
    [InlineData("RTP/AVP;multicast")]
    public void Refuses_what_the_server_cannot_use(string? header) => Assert.Null(RtspTransport.ParseFirstUsable(header));
}
