using System.Diagnostics;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;

namespace OrleansLive.UnitTests.Rtc.Srtp;

/// <summary>
/// Live exchange with libsrtp (Debian's libsrtp2-1 through python3-pylibsrtp, which python3-aiortc
/// brings): libsrtp unprotects what the context protects and the context unprotects what libsrtp
/// protects, across a sequence wrap, with reordering, in both RTP and RTCP.
/// </summary>
public class LibSrtpInteropTests
{
    // One libsrtp session per direction; a line "op hex" answers "ok hex" or "err".
    private const string Peer = """
        import sys, pylibsrtp
        P = pylibsrtp.Policy
        profile, key = sys.stdin.readline().split()
        key = bytes.fromhex(key)
        inbound = pylibsrtp.Session(P(key=key, ssrc_type=P.SSRC_ANY_INBOUND, srtp_profile=int(profile)))
        outbound = pylibsrtp.Session(P(key=key, ssrc_type=P.SSRC_ANY_OUTBOUND, srtp_profile=int(profile)))
        ops = {"ur": inbound.unprotect, "uc": inbound.unprotect_rtcp, "pr": outbound.protect, "pc": outbound.protect_rtcp}
        for line in sys.stdin:
            op, data = line.split()
            try:
                out = "ok " + ops[op](bytes.fromhex(data)).hex()
            except pylibsrtp.Error:
                out = "err"
            print(out, flush=True)
        """;

    private sealed class LibSrtp : IDisposable
    {
        private readonly Process process;

        public LibSrtp(SrtpProfile profile, byte[] masterKeyAndSalt)
        {
            var start = new ProcessStartInfo("/usr/bin/python3", ["-c", Peer])
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            process = Process.Start(start)!;
            process.StandardInput.WriteLine($"{(int)profile} {Convert.ToHexString(masterKeyAndSalt)}");
        }

        public byte[]? Call(string op, byte[] data)
        {
            process.StandardInput.WriteLine($"{op} {Convert.ToHexString(data)}");
            process.StandardInput.Flush();
            var read = process.StandardOutput.ReadLineAsync();
            if (!read.Wait(TimeSpan.FromSeconds(20)) || read.Result is not { } line)
            {
                throw new InvalidOperationException($"libsrtp peer did not answer: {process.StandardError.ReadToEnd()}");
            }

            return line.StartsWith("ok ", StringComparison.Ordinal) ? Convert.FromHexString(line[3..]) : null;
        }

        public void Dispose()
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill();
            }

            process.Dispose();
        }
    }

    public static TheoryData<SrtpProfile> Profiles => [SrtpProfile.Aes128CmHmacSha1_80, SrtpProfile.Aes128CmHmacSha1_32, SrtpProfile.AeadAes128Gcm, SrtpProfile.AeadAes256Gcm];

    /// <summary>Packet order with neighbours swapped, as a network reorders.</summary>
    private static IEnumerable<int> Reordered(int count)
    {
        for (var i = 0; i + 1 < count; i += 2)
        {
            yield return i + 1;
            yield return i;
        }

        if (count % 2 == 1)
        {
            yield return count - 1;
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Exchanges_srtp_and_srtcp_with_libsrtp(SrtpProfile profile)
    {
        var random = new Random((int)profile);
        var master = new byte[profile.MasterKeyLength() + profile.MasterSaltLength()];
        random.NextBytes(master);
        using var peer = new LibSrtp(profile, master);
        using var sender = new SrtpContext(profile, master.AsSpan(0, profile.MasterKeyLength()), master.AsSpan(profile.MasterKeyLength()));
        using var receiver = new SrtpContext(profile, master.AsSpan(0, profile.MasterKeyLength()), master.AsSpan(profile.MasterKeyLength()));

        var rtp = Enumerable.Range(0, 160).Select(i => SrtpContextTests.Rtp((ushort)(65456 + i), ssrc: 0xA0 + (uint)(i % 2), payload: random.Next(0, 1200))).ToArray();
        var ours = rtp.Select(p => SrtpContextTests.Protect(sender, p)).ToArray();
        foreach (var i in Reordered(ours.Length))
        {
            Assert.Equal(rtp[i], peer.Call("ur", ours[i]));
        }

        Assert.Null(peer.Call("ur", ours[^1]));

        var theirs = rtp.Select(p => peer.Call("pr", p)!).ToArray();
        foreach (var i in Reordered(theirs.Length))
        {
            Assert.True(receiver.UnprotectRtp(theirs[i], out var length), $"libsrtp packet {i}");
            Assert.Equal(rtp[i], theirs[i][..length]);
        }

        var rtcp = Enumerable.Range(0, 20).Select(n => SrtpContextTests.Rtcp(ssrc: 0xA0, n: n)).ToArray();
        var oursRtcp = rtcp.Select(p => SrtpContextTests.Protect(sender, p, rtcp: true)).ToArray();
        foreach (var i in Reordered(oursRtcp.Length))
        {
            Assert.Equal(rtcp[i], peer.Call("uc", oursRtcp[i]));
        }

        var theirsRtcp = rtcp.Select(p => peer.Call("pc", p)!).ToArray();
        foreach (var i in Reordered(theirsRtcp.Length))
        {
            Assert.True(receiver.UnprotectRtcp(theirsRtcp[i], out var length), $"libsrtp RTCP packet {i}");
            Assert.Equal(rtcp[i], theirsRtcp[i][..length]);
        }
    }
}
