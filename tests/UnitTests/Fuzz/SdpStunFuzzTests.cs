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
    private static byte[][] Corpus(string target) =>
        [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus", target)).Order().Select(File.ReadAllBytes)];

    private static byte[] Mutate(Random random, byte[] seed, int maxChunk)
    {
        var data = new List<byte>(seed);
        var edits = random.Next(1, 6);
        for (var e = 0; e < edits && data.Count > 0; e++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(6))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data[at] = (byte)random.Next(256);
                    break;
                case 2:
                    data.RemoveRange(at, Math.Min(random.Next(1, maxChunk), data.Count - at));
                    break;
                case 3:
                    data.InsertRange(at, Enumerable.Range(0, random.Next(1, 32)).Select(_ => (byte)random.Next(256)));
                    break;
                case 4:
                    var length = Math.Min(random.Next(1, maxChunk), data.Count - at);
                    data.InsertRange(random.Next(data.Count), data.GetRange(at, length));
                    break;
                default:
                    data.RemoveRange(at, data.Count - at);
                    break;
            }
        }

        return [.. data];
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

    [Fact]
    public void Sdp_parser_and_answer_builder_survive_mutations()
    {
        var corpus = Corpus("Sdp");
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
            var text = i % 2 == 0 ? Encoding.UTF8.GetString(Mutate(random, seed, 300)) : MutateLines(random, Encoding.UTF8.GetString(seed));
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
        List<byte[]> corpus = [.. Corpus("Stun")];
        corpus.Add(StunBinding.Request(StunBinding.NewTransactionId(), "srv", "cli", "pw"u8, 1, 2, useCandidate: true));
        var random = new Random(20250215);
        var key = StunBinding.ShortTermKey("VOkJxbRl1RmTxUk/WvJxBt");
        var parsed = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var data = Mutate(random, corpus[i % corpus.Count], 40);
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
