using OrleansLive.GatewayEdge.Protocols.Rtmp;

namespace OrleansLive.UnitTests;

public class RtmpHandshakeTests
{
    [Fact]
    public void Sizes() =>
        Assert.Equal((1537, 1536, 3073), (RtmpHandshake.C0C1Size, RtmpHandshake.C2Size, RtmpHandshake.S0S1S2Size));

    [Fact]
    public void Simple_handshake_echoes_c1_in_s2()
    {
        var c0c1 = RtmpHandshake.CreateClientC0C1(complex: false);
        Assert.False(RtmpHandshake.TryFindClientDigest(c0c1.AsSpan(1), out _, out _));

        var response = RtmpHandshake.CreateResponse(c0c1, out var complex);
        Assert.False(complex);
        Assert.Equal(RtmpHandshake.S0S1S2Size, response.Length);
        Assert.Equal(3, response[0]);
        Assert.Equal(new byte[4], response[5..9]); // S1 zero field
        Assert.Equal(c0c1[1..], response[1537..]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Complex_handshake_signs_s1_and_s2(int schema)
    {
        var c0c1 = RtmpHandshake.CreateClientC0C1(complex: true, schema);
        var c1 = c0c1.AsSpan(1);
        Assert.True(RtmpHandshake.TryFindClientDigest(c1, out var foundSchema, out var offset));
        Assert.Equal(schema, foundSchema);
        Assert.InRange(offset, schema == 1 ? 12 : 776, schema == 1 ? 12 + 727 : 776 + 727);

        var response = RtmpHandshake.CreateResponse(c0c1, out var complex);
        Assert.True(complex);
        Assert.Equal(RtmpHandshake.S0S1S2Size, response.Length);
        Assert.Equal(3, response[0]);
        var s1 = response.AsSpan(1, 1536);
        var s2 = response.AsSpan(1537, 1536);
        Assert.True(s1[4] >= 3); // a server version clients treat as digest-capable
        Assert.True(RtmpHandshake.ValidateServerS1(s1, schema));
        Assert.True(RtmpHandshake.ValidateServerS2(s2, c1));
        Assert.False(s2.SequenceEqual(c1));
    }

    [Fact]
    public void Server_digest_checks_fail_on_tampering()
    {
        var c0c1 = RtmpHandshake.CreateClientC0C1(complex: true, schema: 1);
        var response = RtmpHandshake.CreateResponse(c0c1, out _);
        var s1 = response.AsSpan(1, 1536).ToArray();
        var s2 = response.AsSpan(1537, 1536).ToArray();
        s1[100] ^= 1;
        s2[100] ^= 1;
        Assert.False(RtmpHandshake.ValidateServerS1(s1, 1));
        Assert.False(RtmpHandshake.ValidateServerS2(s2, c0c1.AsSpan(1)));
    }

    [Fact]
    public void C1_with_a_broken_digest_falls_back_to_simple()
    {
        var c0c1 = RtmpHandshake.CreateClientC0C1(complex: true, schema: 0);
        c0c1[200] ^= 0xFF;
        var response = RtmpHandshake.CreateResponse(c0c1, out var complex);
        Assert.False(complex);
        Assert.Equal(c0c1[1..], response[1537..]);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(0)]
    [InlineData(0x47)] // "GET ..." from an HTTP client
    public void Wrong_version_throws(byte version)
    {
        var c0c1 = RtmpHandshake.CreateClientC0C1(complex: true);
        c0c1[0] = version;
        var ex = Assert.Throws<RtmpProtocolException>(() => RtmpHandshake.CreateResponse(c0c1, out _));
        Assert.Contains("version", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1536)]
    [InlineData(1538)]
    public void Wrong_length_throws(int length) =>
        Assert.Throws<RtmpProtocolException>(() => RtmpHandshake.CreateResponse(new byte[length], out _));
}
