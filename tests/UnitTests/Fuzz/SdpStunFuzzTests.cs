using System.Diagnostics;
using System.Text;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Stun;
using OrleansLive.Media.Rtp.Sdp;

namespace OrleansLive.UnitTests.Fuzz;

/// <summary>
/// Seeded mutations of the SDP offers and RFC 5769 STUN messages under tests/UnitTests/Corpus:
/// the parsers, the answer builder and the integrity checks must never throw, whatever arrives
/// in a WHIP/WHEP body or a UDP datagram. Deterministic: the same seed replays the same inputs.
/// </summary>
public sealed class SdpStunFuzzTests
{
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

    [Fact]
    public void Sdp_parser_and_answer_builder_survive_mutations()
    {
        var corpus = Mutations.Corpus("Sdp");
        var random = new Random(20250214);
        var clock = Stopwatch.StartNew();
        var options = new SdpAnswerOptions
        {
            IceUfrag = "fz01",
            IcePwd = "fuzzpassword0123456789ab",
            Fingerprint = "00:11:22:33",
            Role = AnswerRole.Receive,
            Candidates = [new SdpIceCandidate("192.0.2.1", 8000), new SdpIceCandidate("192.0.2.1", 8443, "tcp")],
            SendTracks = [new SdpSendTrack(MediaKind.Audio, 1, "c", "s", "a"), new SdpSendTrack(MediaKind.Video, 2, "c", "s", "v", 3)],
        };
        int parsed = 0, answered = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var seed = corpus[i % corpus.Length];
            var text = i % 2 == 0 ? Encoding.UTF8.GetString(Mutations.Mutate(random, seed, maxEdits: 5, maxChunk: 300)) : MutateLines(random, Encoding.UTF8.GetString(seed));
            if (!SessionDescription.TryParse(text, out var offer, out var error))
            {
                Assert.False(string.IsNullOrEmpty(error));
                continue;
            }

            parsed++;
            foreach (var media in offer.Media)
            {
                _ = CodecSelector.FindH264(media.Codecs);
                _ = CodecSelector.FindOpus(media.Codecs);
                _ = media.Fingerprint?.ToBytes();
            }

            var role = i % 3 == 0 ? options with { Role = AnswerRole.Send } : options;
            if (SdpAnswerBuilder.TryBuild(offer, role, out var answer, out error))
            {
                answered++;
                Assert.True(SessionDescription.TryParse(answer.Sdp, out var back, out error), error);
                Assert.Equal(offer.Media.Count, back.Media.Count);
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(error));
            }
        }

        Assert.True(parsed > 1000 && answered > 100, $"parsed {parsed}, answered {answered}: the mutations should leave many usable offers");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Stun_parser_and_checks_survive_mutations()
    {
        List<byte[]> corpus = [.. Mutations.Corpus("Stun")];
        corpus.Add(StunBinding.Request(StunBinding.NewTransactionId(), "srv", "cli", "pw"u8, 1, 2, useCandidate: true));
        var random = new Random(20250215);
        var key = StunBinding.ShortTermKey("VOkJxbRl1RmTxUk/WvJxBt");
        var parsed = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var data = Mutations.Mutate(random, corpus[i % corpus.Count], maxEdits: 5, maxChunk: 40);
            _ = StunMessage.IsStun(data);
            if (StunMessage.TryParse(data, out var message))
            {
                parsed++;
                _ = message.VerifyMessageIntegrity(key);
                _ = message.VerifyFingerprint();
                _ = message.TryGetIceUsername(out _, out _);
                Assert.Equal(data.Length, message.Raw.Length);
            }
        }

        Assert.True(parsed > 100, $"parsed {parsed}");
    }
}
