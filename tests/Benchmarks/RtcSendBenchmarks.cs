using BenchmarkDotNet.Attributes;
using OrleansLive.GatewayEdge.Protocols.WebRtc;
using OrleansLive.GatewayEdge.Protocols.WebRtc.Srtp;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Rtp;

namespace OrleansLive.Benchmarks;

/// <summary>
/// One WebRTC player's work per frame before the system call: each of the frame's shared RTP
/// packets copied into the thread's datagram batch, this player's sequence number, SSRC and payload
/// type written, and SRTP-protected in place (AES-CM + HMAC-SHA1-80, and AES-128-GCM). An
/// interframe of the 500 kbit/s stream is two packets, a keyframe (with SPS/PPS) thirteen.
/// </summary>
[MemoryDiagnoser]
public class RtcSendBenchmarks
{
    private byte[][] _packets = null!;
    private SrtpContext _srtp = null!;
    private UdpMultiSend _batch = null!;
    private ushort _sequence;

    [Params(SrtpProfile.Aes128CmHmacSha1_80, SrtpProfile.AeadAes128Gcm)]
    public SrtpProfile Profile { get; set; }

    [Params(false, true)]
    public bool Keyframe { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var header = MediaFrame.Copy(FrameTypes.Video, 0, SyntheticMedia.AvcSequenceHeader());
        var config = RtpVideoConfig.Of(header) ?? throw new InvalidOperationException("no RTP configuration");
        var frame = SyntheticMedia.VideoFrame(40, Keyframe);
        _packets = RtpWireForm.Of(frame, config).Packets;
        var key = new byte[Profile.MasterKeyLength()];
        var salt = new byte[Profile.MasterSaltLength()];
        Random.Shared.NextBytes(key);
        Random.Shared.NextBytes(salt);
        _srtp = new SrtpContext(Profile, key, salt);
        _batch = UdpMultiSend.ForThisThread();
    }

    [GlobalCleanup]
    public void Cleanup() => _srtp.Dispose();

    /// <summary>Per operation = one frame's packets for one player.</summary>
    [Benchmark]
    public int CopyRewriteProtect()
    {
        var bytes = 0;
        foreach (var packet in _packets)
        {
            if (_batch.IsFull)
            {
                _batch = UdpMultiSend.ForThisThread();
            }
            var room = _batch.Next;
            packet.CopyTo(room);
            RtpHeader.Rewrite(room, _sequence++, 0x1234_5678, 102);
            var length = _srtp.ProtectRtp(room, packet.Length);
            _batch.Commit(length);
            bytes += length;
        }
        _batch = UdpMultiSend.ForThisThread();
        return bytes;
    }
}
