using OrleansLive.Media.Rtp;

namespace OrleansLive.UnitTests.Rtp;

public class RtcpTests
{
    private static readonly RtcpReportBlock Block1 = new(0x11111111, 25, 1234, 0x0001FFFF, 77, 0xAABBCCDD, 65536);
    private static readonly RtcpReportBlock Block2 = new(0x22222222, 0, -3, 42, 0, 0, 0);

    private static T Single<T>(byte[] data)
    {
        Assert.True(RtcpCompound.TryParse(data, out var packets));
        return Assert.IsType<T>(Assert.Single(packets));
    }

    [Fact]
    public void Sender_report_round_trips()
    {
        var ntp = NtpTime.FromDateTime(new DateTime(2024, 6, 1, 12, 0, 0, DateTimeKind.Utc));
        var report = Single<RtcpSenderReport>(RtcpWriter.SenderReport(0xCAFE, ntp, 90000, 100, 120000, [Block1, Block2]));
        Assert.Equal((0xCAFEu, ntp, 90000u, 100u, 120000u), (report.Ssrc, report.NtpTimestamp, report.RtpTimestamp, report.PacketCount, report.OctetCount));
        Assert.Equal([Block1, Block2], report.Reports);
        Assert.Equal(new DateTime(2024, 6, 1, 12, 0, 0, DateTimeKind.Utc), NtpTime.ToDateTime(ntp));
        Assert.Equal((uint)(ntp >> 16), NtpTime.Middle32(ntp));
        Assert.Equal(65536u, NtpTime.ToDelayUnits(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Compound_receiver_report_sdes_bye_round_trips()
    {
        var compound = RtcpWriter.Compound(RtcpWriter.ReceiverReport(7, [Block1]), RtcpWriter.SourceDescription(7, "orleanslive"), RtcpWriter.Bye([7, 8]));
        Assert.True(RtcpCompound.TryParse(compound, out var packets));
        Assert.Equal(3, packets.Count);
        var rr = Assert.IsType<RtcpReceiverReport>(packets[0]);
        Assert.Equal(7u, rr.Ssrc);
        Assert.Equal([Block1], rr.Reports);
        Assert.Equal(new RtcpOther(RtcpPacketType.SourceDescription, 1), packets[1]);
        Assert.Equal([7u, 8u], Assert.IsType<RtcpBye>(packets[2]).Ssrcs);
    }

    [Fact]
    public void Pli_matches_rfc_4585_bytes()
    {
        var pli = RtcpWriter.Pli(0x01020304, 0x0A0B0C0D);
        // V=2 P=0 FMT=1, PT=206, length 2 words, sender SSRC, media SSRC.
        Assert.Equal(Convert.FromHexString("81CE0002010203040A0B0C0D"), pli);
        Assert.Equal(new RtcpPli(0x01020304, 0x0A0B0C0D), Single<RtcpPli>(pli));
    }

    [Fact]
    public void Nack_matches_rfc_4585_bytes()
    {
        // PID 1000 with BLP bits 0 and 2 (1001, 1003): V=2 FMT=1, PT=205, length 3.
        var nack = RtcpWriter.Nack(1, 2, [1003, 1000, 1001]);
        Assert.Equal(Convert.FromHexString("81CD0003" + "00000001" + "00000002" + "03E8" + "0005"), nack);
        var parsed = Single<RtcpNack>(nack);
        Assert.Equal((1u, 2u), (parsed.SenderSsrc, parsed.MediaSsrc));
        Assert.Equal([1000, 1001, 1003], parsed.Sequences);
    }

    [Fact]
    public void Nack_packs_sequences_into_pid_and_blp_entries()
    {
        var nack = RtcpWriter.Nack(1, 2, [100, 101, 116, 117]);
        Assert.Equal(4 + 8 + 8, nack.Length); // two FCI entries
        Assert.Equal(Convert.FromHexString("0064" + "8001" + "0075" + "0000"), nack.AsSpan(12).ToArray());
        Assert.Equal([100, 101, 116, 117], Single<RtcpNack>(nack).Sequences);

        // Across wraparound, duplicates removed.
        Assert.Equal([65534, 65535, 0, 3], Single<RtcpNack>(RtcpWriter.Nack(1, 2, [0, 65535, 3, 65534, 0])).Sequences);
    }

    [Fact]
    public void Fir_and_remb_round_trip()
    {
        var fir = Single<RtcpFir>(RtcpWriter.Fir(5, 0x1234, 9));
        Assert.Equal(5u, fir.SenderSsrc);
        Assert.Equal([new RtcpFirEntry(0x1234, 9)], fir.Entries);

        var remb = Single<RtcpRemb>(RtcpWriter.Remb(5, 2_500_000, [0x1234, 0x5678]));
        Assert.Equal(5u, remb.SenderSsrc);
        Assert.InRange(remb.Bitrate, 2_499_000UL, 2_500_000UL); // 18-bit mantissa
        Assert.Equal([0x1234u, 0x5678u], remb.Ssrcs);
    }

    [Fact]
    public void App_and_xr_are_stepped_over_and_padding_is_honoured()
    {
        byte[] app = [0x80, RtcpPacketType.App, 0, 2, 0, 0, 0, 1, (byte)'n', (byte)'a', (byte)'m', (byte)'e'];
        byte[] paddedRr = [0xA0, RtcpPacketType.ReceiverReport, 0, 2, 0, 0, 0, 9, 0, 0, 0, 4];
        byte[] xr = [0x80, RtcpPacketType.ExtendedReport, 0, 1, 0, 0, 0, 1];
        Assert.True(RtcpCompound.TryParse(RtcpWriter.Compound(paddedRr, app, xr), out var packets));
        Assert.Equal(new RtcpReceiverReport(9, []).Ssrc, Assert.IsType<RtcpReceiverReport>(packets[0]).Ssrc);
        Assert.Equal(new RtcpOther(RtcpPacketType.App, 0), packets[1]);
        Assert.Equal(new RtcpOther(RtcpPacketType.ExtendedReport, 0), packets[2]);
        Assert.True(RtcpPacketType.IsRtcp(app));
        Assert.False(RtcpPacketType.IsRtcp(RtpPacketBuilder.Build([[1]], 96, 0, 0)[0]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("81CE0002010203040A0B0C")] // length runs past the data
    [InlineData("41CE000201020304 0A0B0C0D")] // version 1
    [InlineData("81C90001000000090000")] // trailing bytes
    [InlineData("81C800010000000A")] // SR too short
    [InlineData("A1C90001000000FF")] // padding longer than the body
    [InlineData("A1CD00030000000100000002 03E80001")] // NACK FCI not a whole entry once padding is off
    [InlineData("8FCD00040000000100000002 0001000100000000")] // TWCC: status chunk missing
    [InlineData("AFCD00050000000100000002 0001000100000000 4001 0002")] // TWCC: large delta cut short
    [InlineData("8FCD00050000000100000002 0001000100000000 6001 0000")] // TWCC: reserved status symbol
    public void Malformed_compounds_are_refused(string hex) =>
        Assert.False(RtcpCompound.TryParse(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)), out _));
}
