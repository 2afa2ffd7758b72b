using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

namespace OrleansLive.UnitTests.Rtc.Srtp;

public class SrtpKeysTests
{
    [Theory]
    [InlineData(SrtpProfile.Aes128CmHmacSha1_80, 60)]
    [InlineData(SrtpProfile.Aes128CmHmacSha1_32, 60)]
    [InlineData(SrtpProfile.AeadAes128Gcm, 56)]
    [InlineData(SrtpProfile.AeadAes256Gcm, 88)]
    public void Export_splits_into_client_and_server_keys(SrtpProfile profile, int exportLength)
    {
        Assert.Equal(exportLength, SrtpKeys.ExportLength(profile));
        var material = Enumerable.Range(0, exportLength).Select(i => (byte)i).ToArray();
        var k = profile.MasterKeyLength();
        var s = profile.MasterSaltLength();

        var server = SrtpKeys.FromDtlsExport(material, profile, isServer: true);
        var client = SrtpKeys.FromDtlsExport(material, profile, isServer: false);

        Assert.Equal(material[k..(2 * k)], server.Local.Key);
        Assert.Equal(material[(2 * k + s)..], server.Local.Salt);
        Assert.Equal(material[..k], server.Remote.Key);
        Assert.Equal(material[(2 * k)..(2 * k + s)], server.Remote.Salt);
        Assert.Equal(server.Local.Key, client.Remote.Key);
        Assert.Equal(server.Local.Salt, client.Remote.Salt);
        Assert.Equal(server.Remote.Key, client.Local.Key);
        Assert.Equal(server.Remote.Salt, client.Local.Salt);
    }

    [Theory]
    [InlineData(SrtpProfile.Aes128CmHmacSha1_80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Server_and_client_contexts_talk_both_ways(SrtpProfile profile)
    {
        var material = Enumerable.Range(0, SrtpKeys.ExportLength(profile)).Select(i => (byte)(i * 31)).ToArray();
        var server = SrtpKeys.FromDtlsExport(material, profile, isServer: true);
        var client = SrtpKeys.FromDtlsExport(material, profile, isServer: false);
        using var serverOut = server.CreateOutbound();
        using var serverIn = server.CreateInbound();
        using var clientOut = client.CreateOutbound();
        using var clientIn = client.CreateInbound();

        var down = SrtpContextTests.Protect(serverOut, SrtpContextTests.Rtp(10));
        Assert.True(clientIn.UnprotectRtp(down, out _));
        var up = SrtpContextTests.Protect(clientOut, SrtpContextTests.Rtp(10));
        Assert.True(serverIn.UnprotectRtp(up, out _));

        // The keys differ per direction: a packet looped back does not authenticate.
        var looped = SrtpContextTests.Protect(serverOut, SrtpContextTests.Rtp(11));
        Assert.False(serverIn.UnprotectRtp(looped, out _));
    }

    [Fact]
    public void Wrong_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => SrtpKeys.FromDtlsExport(new byte[59], SrtpProfile.Aes128CmHmacSha1_80, true));
        Assert.Throws<ArgumentException>(() => new SrtpContext(SrtpProfile.AeadAes128Gcm, new byte[16], new byte[14]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SrtpKeys.ExportLength((SrtpProfile)3));
    }
}
