using System.Buffers.Binary;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

namespace OrleansLive.UnitTests.Rtc.Srtp;

public class SrtpContextTests
{
    public static TheoryData<SrtpProfile> Profiles => [SrtpProfile.Aes128CmHmacSha1_80, SrtpProfile.Aes128CmHmacSha1_32, SrtpProfile.AeadAes128Gcm, SrtpProfile.AeadAes256Gcm];

    private static (SrtpContext Sender, SrtpContext Receiver) Pair(SrtpProfile profile, int maxStreams = SrtpContext.DefaultMaxStreams)
    {
        var key = Enumerable.Range(0, profile.MasterKeyLength()).Select(i => (byte)(i * 7 + 1)).ToArray();
        var salt = Enumerable.Range(0, profile.MasterSaltLength()).Select(i => (byte)(i * 13 + 5)).ToArray();
        return (new SrtpContext(profile, key, salt, maxStreams), new SrtpContext(profile, key, salt, maxStreams));
    }

    private static SrtpContext Sender(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        receiver.Dispose();
        return sender;
    }

    internal static byte[] Rtp(ushort seq, uint ssrc = 0x11223344, int payload = 100)
    {
        var packet = new byte[12 + payload];
        packet[0] = 0x80;
        packet[1] = 96;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), seq);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), seq * 3000u);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        for (var i = 0; i < payload; i++)
        {
            packet[12 + i] = (byte)(seq + i);
        }

        return packet;
    }

    internal static byte[] Rtcp(uint ssrc = 0x11223344, int n = 0)
    {
        var packet = new byte[28];
        packet[0] = 0x80;
        packet[1] = 200;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), 6);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), ssrc);
        for (var i = 8; i < packet.Length; i++)
        {
            packet[i] = (byte)(n + i);
        }

        return packet;
    }

    internal static byte[] Protect(SrtpContext sender, byte[] plain, bool rtcp = false)
    {
        var buffer = new byte[plain.Length + 64];
        plain.CopyTo(buffer, 0);
        var length = rtcp ? sender.ProtectRtcp(buffer, plain.Length) : sender.ProtectRtp(buffer, plain.Length);
        return buffer[..length];
    }

    private static bool Unprotect(SrtpContext receiver, byte[] protectedPacket, out byte[] plain, bool rtcp = false)
    {
        var copy = (byte[])protectedPacket.Clone();
        var ok = rtcp ? receiver.UnprotectRtcp(copy, out var length) : receiver.UnprotectRtp(copy, out length);
        plain = copy[..length];
        return ok;
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtp_round_trips_across_a_sequence_wrap(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            for (var n = 0; n < 200; n++)
            {
                var plain = Rtp((ushort)(65436 + n), payload: n * 7 % 1300);
                var wire = Protect(sender, plain);
                Assert.Equal(plain.Length + profile.RtpTagLength(), wire.Length);
                Assert.Equal(plain[..12], wire[..12]);
                Assert.True(plain.Length == 12 || !plain.AsSpan(12).SequenceEqual(wire.AsSpan(12, plain.Length - 12)));
                Assert.True(Unprotect(receiver, wire, out var back), $"packet {n}");
                Assert.Equal(plain, back);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Rtcp_round_trips(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            for (var n = 0; n < 300; n++)
            {
                var plain = Rtcp(n: n);
                var wire = Protect(sender, plain, rtcp: true);
                Assert.Equal(plain.Length + sender.RtcpOverhead, wire.Length);
                Assert.True(Unprotect(receiver, wire, out var back, rtcp: true));
                Assert.Equal(plain, back);
            }
        }
    }

    [Fact]
    public void The_sequence_wrap_moves_the_rollover_counter_into_the_keystream()
    {
        // Sequence 5 before and after a wrap must encrypt differently: the ROC is part of the index.
        using var sender = Sender(SrtpProfile.Aes128CmHmacSha1_80);
        var before = Protect(sender, Rtp(5));
        for (var seq = 6; seq <= 65535; seq += 1000)
        {
            Protect(sender, Rtp((ushort)seq));
        }

        Protect(sender, Rtp(65535));
        var after = Protect(sender, Rtp(5));
        Assert.NotEqual(before, after);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void A_retransmission_from_before_the_wrap_keeps_its_rollover_counter(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            var first = Protect(sender, Rtp(65535));
            Protect(sender, Rtp(0));
            Protect(sender, Rtp(1));
            Assert.Equal(first, Protect(sender, Rtp(65535)));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Reordering_across_the_wrap_still_decrypts(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            var wire = new[] { (ushort)65533, (ushort)65534, (ushort)65535, (ushort)0, (ushort)1 }.Select(s => (Seq: s, Packet: Protect(sender, Rtp(s)))).ToList();
            foreach (var i in new[] { 0, 3, 1, 4, 2 })
            {
                Assert.True(Unprotect(receiver, wire[i].Packet, out var back), $"seq {wire[i].Seq}");
                Assert.Equal(Rtp(wire[i].Seq), back);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void A_tampered_packet_fails_authentication(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            var wire = Protect(sender, Rtp(1000, payload: 40));
            for (var at = 0; at < wire.Length; at++)
            {
                var tampered = (byte[])wire.Clone();
                tampered[at] ^= 0x01;
                Assert.False(Unprotect(receiver, tampered, out _), $"byte {at}");
            }

            Assert.False(Unprotect(receiver, wire[..^1], out _));
            Assert.True(Unprotect(receiver, wire, out _));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void A_tampered_rtcp_packet_fails_authentication(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            var wire = Protect(sender, Rtcp(), rtcp: true);
            for (var at = 0; at < wire.Length; at++)
            {
                var tampered = (byte[])wire.Clone();
                tampered[at] ^= 0x80;
                Assert.False(Unprotect(receiver, tampered, out _, rtcp: true), $"byte {at}");
            }

            Assert.True(Unprotect(receiver, wire, out _, rtcp: true));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void A_replayed_packet_is_rejected(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            var rtp = Protect(sender, Rtp(7));
            Assert.True(Unprotect(receiver, rtp, out _));
            Assert.False(Unprotect(receiver, rtp, out _));

            var rtcp = Protect(sender, Rtcp(), rtcp: true);
            Assert.True(Unprotect(receiver, rtcp, out _, rtcp: true));
            Assert.False(Unprotect(receiver, rtcp, out _, rtcp: true));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Out_of_order_within_the_window_is_accepted_and_too_old_is_rejected(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            var wire = Enumerable.Range(0, 300).Select(s => Protect(sender, Rtp((ushort)s))).ToArray();
            Assert.True(Unprotect(receiver, wire[200], out _));
            Assert.True(Unprotect(receiver, wire[199], out _));
            Assert.True(Unprotect(receiver, wire[200 - SrtpReplayWindow.Size + 1], out _));
            Assert.False(Unprotect(receiver, wire[200 - SrtpReplayWindow.Size], out _));
            Assert.False(Unprotect(receiver, wire[10], out _));
            Assert.True(Unprotect(receiver, wire[299], out _));
            Assert.True(Unprotect(receiver, wire[250], out _));
            Assert.False(Unprotect(receiver, wire[199], out _));

            var rtcp = Enumerable.Range(0, 300).Select(n => Protect(sender, Rtcp(n: n), rtcp: true)).ToArray();
            Assert.True(Unprotect(receiver, rtcp[200], out _, rtcp: true));
            Assert.True(Unprotect(receiver, rtcp[150], out _, rtcp: true));
            Assert.False(Unprotect(receiver, rtcp[200 - SrtpReplayWindow.Size], out _, rtcp: true));
            Assert.True(Unprotect(receiver, rtcp[201], out _, rtcp: true));
        }
    }

    [Fact]
    public void A_receiver_joining_late_starts_from_the_first_packet_it_sees()
    {
        var (sender, receiver) = Pair(SrtpProfile.AeadAes128Gcm);
        using (sender)
        using (receiver)
        {
            var wire = Enumerable.Range(40000, 10).Select(s => Protect(sender, Rtp((ushort)s))).ToArray();
            Assert.True(Unprotect(receiver, wire[5], out _));
            Assert.True(Unprotect(receiver, wire[2], out _));
            Assert.True(Unprotect(receiver, wire[9], out _));
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Streams_are_capped(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile, maxStreams: 2);
        using (sender)
        using (receiver)
        {
            var a = Protect(sender, Rtp(1, ssrc: 1));
            var b = Protect(sender, Rtp(1, ssrc: 2));
            Assert.Throws<InvalidOperationException>(() => Protect(sender, Rtp(1, ssrc: 3)));
            using var other = Sender(profile);
            var c = Protect(other, Rtp(1, ssrc: 3));

            Assert.True(Unprotect(receiver, a, out _));
            Assert.True(Unprotect(receiver, b, out _));
            Assert.False(Unprotect(receiver, c, out _));
            Assert.Equal(2, receiver.StreamCount);
        }
    }

    [Fact]
    public void Forged_packets_create_no_stream_state()
    {
        var (sender, receiver) = Pair(SrtpProfile.Aes128CmHmacSha1_80);
        using (sender)
        using (receiver)
        {
            var random = new Random(7);
            for (uint ssrc = 0; ssrc < 1000; ssrc++)
            {
                var forged = Rtp(1, ssrc);
                var withTag = new byte[forged.Length + 10];
                forged.CopyTo(withTag, 0);
                random.NextBytes(withTag.AsSpan(forged.Length));
                Assert.False(receiver.UnprotectRtp(withTag, out _));
            }

            Assert.Equal(0, receiver.StreamCount);
        }
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x80, 0, 0, 1 })]
    [InlineData(new byte[] { 0x40, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 })]
    [InlineData(new byte[] { 0x9F, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 })]
    public void Malformed_input_is_rejected(byte[] packet)
    {
        var (sender, receiver) = Pair(SrtpProfile.Aes128CmHmacSha1_80);
        using (sender)
        using (receiver)
        {
            Assert.False(receiver.UnprotectRtp((byte[])packet.Clone(), out _));
            Assert.False(receiver.UnprotectRtcp((byte[])packet.Clone(), out _));
        }
    }

    [Fact]
    public void Rtcp_is_told_from_rtp_by_its_packet_type()
    {
        Assert.True(SrtpContext.IsRtcp(Rtcp()));
        Assert.False(SrtpContext.IsRtcp(Rtp(1)));
        var marked = Rtp(1);
        marked[1] |= 0x80;
        Assert.False(SrtpContext.IsRtcp(marked));
        Assert.False(SrtpContext.IsRtcp([0x80]));
    }

    [Fact]
    public void Protect_needs_room_for_the_tag()
    {
        using var sender = Sender(SrtpProfile.Aes128CmHmacSha1_80);
        var packet = Rtp(1);
        Assert.Throws<ArgumentException>(() => sender.ProtectRtp(packet, packet.Length));
        Assert.Throws<ArgumentException>(() => sender.ProtectRtp(new byte[40], 8));
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Protecting_and_unprotecting_allocate_nothing(SrtpProfile profile)
    {
        var (sender, receiver) = Pair(profile);
        using (sender)
        using (receiver)
        {
            var buffer = new byte[1500];
            var rtcpBuffer = new byte[200];
            void Round(ushort seq)
            {
                var plain = Rtp(seq, payload: 1200);
                plain.CopyTo(buffer, 0);
                var length = sender.ProtectRtp(buffer, plain.Length);
                Assert.True(receiver.UnprotectRtp(buffer.AsSpan(0, length), out _));
                var rtcp = Rtcp(n: seq);
                rtcp.CopyTo(rtcpBuffer, 0);
                length = sender.ProtectRtcp(rtcpBuffer, rtcp.Length);
                Assert.True(receiver.UnprotectRtcp(rtcpBuffer.AsSpan(0, length), out _));
            }

            Round(0);
            var inputs = Enumerable.Range(1, 200).Select(s => Rtp((ushort)s, payload: 1200)).ToArray();
            var rtcps = Enumerable.Range(1, 200).Select(n => Rtcp(n: n)).ToArray();
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < inputs.Length; i++)
            {
                inputs[i].CopyTo(buffer, 0);
                var length = sender.ProtectRtp(buffer, inputs[i].Length);
                receiver.UnprotectRtp(buffer.AsSpan(0, length), out _);
                rtcps[i].CopyTo(rtcpBuffer, 0);
                length = sender.ProtectRtcp(rtcpBuffer, rtcps[i].Length);
                receiver.UnprotectRtcp(rtcpBuffer.AsSpan(0, length), out _);
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }
}
