using System.Text;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Stun;
using OrleansLive.Media.Rtp;
using OrleansLive.Media.Rtp.Sdp;
using OrleansLive.UnitTests.Rtc.Srtp;

namespace OrleansLive.UnitTests.Fuzz;

/// <summary>WebRTC targets: what arrives on the UDP port (STUN, SRTP/SRTCP, RTP, RTCP) and in a WHIP/WHEP body (SDP).</summary>
internal static partial class FuzzTargets
{
    private static readonly SrtpProfile[] SrtpProfiles = [SrtpProfile.Aes128CmHmacSha1_80, SrtpProfile.Aes128CmHmacSha1_32, SrtpProfile.AeadAes128Gcm, SrtpProfile.AeadAes256Gcm];

    private static FuzzTarget Stun => new()
    {
        Name = "Stun",
        Summary = "STUN messages (RFC 5769 vectors, our binding request): StunMessage.TryParse, MESSAGE-INTEGRITY, FINGERPRINT, the ICE USERNAME",
        MaxAllocatedBytes = 256 << 10,
        BoundedInputs = 200_000,
        MinAccepted = 10_000,
        Mutate = (random, seed) => Mutations.Mutate(random, seed, maxEdits: 5, maxChunk: 40),
        Seeds = () => [.. Mutations.Corpus("Stun"), StunBinding.Request(new byte[12], "srv", "cli", "pw"u8, 1, 2, useCandidate: true)],
        Start = () =>
        {
            var key = StunBinding.ShortTermKey("VOkJxbRl1RmTxUk/WvJxBt");
            return (data, random) =>
            {
                _ = StunMessage.IsStun(data);
                if (!StunMessage.TryParse(data, out var message))
                {
                    return false;
                }
                _ = message.VerifyMessageIntegrity(key);
                _ = message.VerifyFingerprint();
                _ = message.TryGetIceUsername(out _, out _);
                FuzzInvariantException.Check(message.Raw.Length == data.Length, "a parsed STUN message does not span its datagram");
                return true;
            };
        },
    };

    private static FuzzTarget Sdp => new()
    {
        Name = "Sdp",
        Summary = "SDP offers (Chrome, Firefox and OBS WHIP/WHEP): SessionDescription.TryParse, codec choice (H.264 "
            + "profile-level-id, Opus), fingerprints, SdpAnswerBuilder, and the answer parsing back",
        MaxAllocatedBytes = 4L << 20,
        BoundedInputs = 15_000,
        MinAccepted = 10_000,
        Mutate = (random, seed) => random.Next(2) == 0
            ? Mutations.Mutate(random, seed, maxEdits: 5, maxChunk: 300)
            : Encoding.UTF8.GetBytes(MutateLines(random, Encoding.UTF8.GetString(seed))),
        Start = () =>
        {
            var options = new SdpAnswerOptions
            {
                IceUfrag = "fz01",
                IcePwd = "fuzzpassword0123456789ab",
                Fingerprint = "00:11:22:33",
                Role = AnswerRole.Receive,
                Candidates = [new SdpIceCandidate("192.0.2.1", 8000), new SdpIceCandidate("192.0.2.1", 8443, "tcp")],
                SendTracks = [new SdpSendTrack(MediaKind.Audio, 1, "c", "s", "a"), new SdpSendTrack(MediaKind.Video, 2, "c", "s", "v", 3)],
            };
            return (data, random) =>
            {
                if (!SessionDescription.TryParse(Encoding.UTF8.GetString(data), out var offer, out var error))
                {
                    FuzzInvariantException.Check(!string.IsNullOrEmpty(error), "an SDP refusal without a reason");
                    return false;
                }
                foreach (var media in offer.Media)
                {
                    _ = CodecSelector.FindH264(media.Codecs);
                    _ = CodecSelector.FindOpus(media.Codecs);
                    _ = media.Fingerprint?.ToBytes();
                }
                var role = random.Next(3) == 0 ? options with { Role = AnswerRole.Send } : options;
                if (SdpAnswerBuilder.TryBuild(offer, role, out var answer, out error))
                {
                    var parsed = SessionDescription.TryParse(answer.Sdp, out var back, out error);
                    FuzzInvariantException.Check(parsed, "our answer does not parse: " + error);
                    FuzzInvariantException.Check(back!.Media.Count == offer.Media.Count, "our answer has another number of m-lines than the offer");
                }
                else
                {
                    FuzzInvariantException.Check(!string.IsNullOrEmpty(error), "an SDP answer refusal without a reason");
                }
                return true;
            };
        },
    };

    private static FuzzTarget Rtp => new()
    {
        Name = "Rtp",
        Summary = "RTP packet sequences (H.264 STAP-A/FU-A, H.265 AP/FU, Opus with extensions and padding, VP8, VP9 and "
            + "AV1 as Chrome cuts them; each packet behind a 2-byte length): RtpHeader, header extensions, transport-wide "
            + "sequence numbers, the reorder buffer and NACK list, H.264/H.265/VP8/VP9/AV1 depacketizers under a size cap, Opus",
        MaxAllocatedBytes = 2L << 20,
        BoundedInputs = 100_000,
        MinAccepted = 50_000,
        Mutate = (random, seed) => Mutations.Mutate(random, seed, maxEdits: 5, maxChunk: 200),
        Start = () => (data, random) =>
        {
            var units = 0;
            var h264 = new H264Depacketizer(_ => units++, maxAccessUnitSize: 64 * 1024);
            var h265 = new H265Depacketizer(_ => units++, maxAccessUnitSize: 64 * 1024);
            var vp8 = new Vp8Depacketizer(_ => units++, maxFrameSize: 64 * 1024);
            var vp9 = new Vp9Depacketizer(_ => units++, maxFrameSize: 64 * 1024);
            var av1 = new Av1Depacketizer(_ => units++, maxFrameSize: 64 * 1024);
            var opus = new OpusDepacketizer();
            // Straight in as well: the reorder buffer would hide duplicates and late packets.
            var direct = new H264Depacketizer(_ => units++, maxAccessUnitSize: 64 * 1024);
            var reorder = new RtpReorderBuffer(32);
            var missing = new List<ushort>();
            var packets = LengthPrefixed(data);
            foreach (var packet in packets)
            {
                direct.Push(packet);
                reorder.Push(packet);
                reorder.GetMissing(missing);
                if (random.Next(4) == 0)
                {
                    reorder.SkipMissing();
                }
                while (reorder.TryPop(out var ordered))
                {
                    h264.Push(ordered);
                    h265.Push(ordered);
                    vp8.Push(ordered);
                    vp9.Push(ordered);
                    av1.Push(ordered);
                    units += opus.TryDepacketize(ordered, out _, out _) ? 1 : 0;
                    if (RtpHeader.TryParse(ordered, out var header))
                    {
                        header.TryGetExtension(ordered, random.Next(16), out _);
                        TransportWideSequence.TryRead(ordered, header, 3, out _);
                    }
                }
            }
            FuzzInvariantException.Check(missing.Count <= 32 * packets.Count, $"{missing.Count} NACKs for {packets.Count} packets");
            h264.Flush();
            h265.Flush();
            return units > 0;
        },
    };

    private static FuzzTarget Rtcp => new()
    {
        Name = "Rtcp",
        Summary = "RTCP compound packets (SR, RR, SDES, BYE, NACK, PLI, FIR, REMB, transport-cc): RtcpCompound.TryParse",
        // A transport-cc feedback may describe 65,535 packets in a few bytes of run-length chunks; only the
        // received ones (each with a delta byte) are stored, so one datagram costs about what it weighs.
        MaxAllocatedBytes = 256 << 10,
        BoundedInputs = 200_000,
        MinAccepted = 10_000,
        Seeds = () => Mutations.Corpus("RtcpCompound"),
        Mutate = (random, seed) => Mutations.Mutate(random, seed, maxEdits: 5, maxChunk: 200),
        Start = () => (data, random) =>
        {
            RtcpPacketType.IsRtcp(data);
            if (!RtcpCompound.TryParse(data, out var packets))
            {
                return false;
            }
            FuzzInvariantException.Check(packets.Count > 0, "an RTCP compound parsed to no packets");
            return true;
        },
    };

    private static FuzzTarget Srtp => new()
    {
        Name = "Srtp",
        Summary = "SRTP and SRTCP packets protected by our sender under the four profiles (first byte: profile, "
            + "second: 1 for SRTCP): the unprotect side must never accept a packet the sender did not make",
        MaxAllocatedBytes = 256 << 10,
        BoundedInputs = 100_000,
        MinAccepted = 64,
        Mutate = (random, seed) => Mutations.Mutate(random, seed, maxEdits: 4, maxChunk: 40),
        Seeds = SrtpSeeds,
        Start = () =>
        {
            var genuine = new HashSet<string>(SrtpSeeds().Select(SrtpPacketKey));
            var receivers = SrtpProfiles.Select(p => new SrtpContext(p, SrtpKey(p.MasterKeyLength()), SrtpKey(p.MasterSaltLength()))).ToArray();
            return (data, random) =>
            {
                if (data.Length < 2)
                {
                    return false;
                }
                var receiver = receivers[data[0] % receivers.Length];
                var packet = data[2..];
                var accepted = (data[1] & 1) == 1 ? receiver.UnprotectRtcp(packet, out _) : receiver.UnprotectRtp(packet, out _);
                FuzzInvariantException.Check(!accepted || genuine.Contains(SrtpPacketKey(data)), "a packet the sender did not make was accepted");
                return accepted;
            };
        },
    };

    // Deterministic: fixed keys, and the sender's output depends only on them and the packets.
    private static byte[][] SrtpSeeds()
    {
        var seeds = new List<byte[]>();
        for (var p = 0; p < SrtpProfiles.Length; p++)
        {
            var profile = SrtpProfiles[p];
            using var sender = new SrtpContext(profile, SrtpKey(profile.MasterKeyLength()), SrtpKey(profile.MasterSaltLength()));
            for (var i = 0; i < 8; i++)
            {
                seeds.Add([(byte)p, 0, .. SrtpContextTests.Protect(sender, SrtpContextTests.Rtp((ushort)(65530 + i), ssrc: (uint)(i % 2), payload: 40 * i))]);
                seeds.Add([(byte)p, 1, .. SrtpContextTests.Protect(sender, SrtpContextTests.Rtcp(ssrc: (uint)(i % 2), n: i), rtcp: true)]);
            }
        }
        return [.. seeds];
    }

    // Which receiver and which kind of packet: inputs that differ only in ignored bits are the same packet.
    private static string SrtpPacketKey(byte[] input) => $"{input[0] % SrtpProfiles.Length}/{input[1] & 1}/{Convert.ToBase64String(input, 2, input.Length - 2)}";

    private static byte[] SrtpKey(int length) => [.. Enumerable.Range(1, length).Select(i => (byte)(i * 7))];

    /// <summary>The packets of an input of 2-byte-length-prefixed packets, as far as the prefixes hold.</summary>
    private static List<byte[]> LengthPrefixed(byte[] data)
    {
        var packets = new List<byte[]>();
        for (var at = 0; at + 2 <= data.Length;)
        {
            var length = (data[at] << 8) | data[at + 1];
            if (at + 2 + length > data.Length)
            {
                break;
            }
            packets.Add(data.AsSpan(at + 2, length).ToArray());
            at += 2 + length;
        }
        return packets;
    }

    // Line-level edits find what byte flips rarely reach: a line repeated, dropped, moved or cut.
    private static string MutateLines(Random random, string text)
    {
        var lines = text.Split('\n').ToList();
        for (var e = random.Next(1, 4); e > 0 && lines.Count > 1; e--)
        {
            var at = random.Next(lines.Count);
            switch (random.Next(4))
            {
                case 0:
                    lines.Insert(random.Next(lines.Count), lines[at]);
                    break;
                case 1:
                    lines.RemoveAt(at);
                    break;
                case 2:
                    (lines[at], lines[^1]) = (lines[^1], lines[at]);
                    break;
                default:
                    lines[at] = lines[at][..random.Next(lines[at].Length + 1)];
                    break;
            }
        }
        return string.Join('\n', lines);
    }
}
