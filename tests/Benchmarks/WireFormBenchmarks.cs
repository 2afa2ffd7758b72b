using BenchmarkDotNet.Attributes;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.Benchmarks;

/// <summary>
/// Building a frame's shared wire forms, once per frame for all players of a protocol. A form is
/// cached on its frame, so each operation makes a new frame (copy of the payload into a pooled
/// buffer, the FLV framing, the tag parse): <see cref="FrameOnly"/> is that part alone, to subtract.
/// </summary>
[MemoryDiagnoser]
public class WireFormBenchmarks
{
    private StreamTsMux _mux = null!;
    private RtpVideoConfig _rtpConfig = null!;
    private uint _timestamp;

    [Params(false, true)]
    public bool Keyframe { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _mux = new StreamTsMux();
        var videoHeader = MediaFrame.Copy(FrameTypes.Video, 0, SyntheticMedia.AvcSequenceHeader());
        var audioHeader = MediaFrame.Copy(FrameTypes.Audio, 0, SyntheticMedia.AacSequenceHeader());
        _mux.Build(videoHeader);
        _mux.Build(audioHeader);
        _rtpConfig = RtpVideoConfig.Of(videoHeader) ?? throw new InvalidOperationException("no RTP configuration");
    }

    private MediaFrame NextFrame() => SyntheticMedia.VideoFrame(_timestamp += 40, Keyframe);

    [Benchmark]
    public int FrameOnly()
    {
        var frame = NextFrame();
        var length = frame.Length;
        frame.Release();
        return length;
    }

    /// <summary>RTMP at the gateway's default out chunk size (60,000 bytes: one chunk per frame).</summary>
    [Benchmark]
    public int RtmpForm60000() => RtmpForm(60000);

    /// <summary>RTMP at 4,096-byte chunks (several chunk headers per keyframe).</summary>
    [Benchmark]
    public int RtmpForm4096() => RtmpForm(4096);

    private int RtmpForm(int chunkSize)
    {
        var frame = NextFrame();
        var bytes = RtmpWireForm.Of(frame, chunkSize).TotalBytes;
        frame.Release();
        return bytes;
    }

    /// <summary>MPEG-TS: the stream's one muxer over the frame (PES, 188-byte packets, PAT/PMT at keyframes).</summary>
    [Benchmark]
    public int TsForm()
    {
        var frame = NextFrame();
        _mux.Build(frame);
        var bytes = frame.TsForm!.Packets.Length;
        frame.Release();
        return bytes;
    }

    /// <summary>RTP: FU-A packets of at most 1,200 bytes, SPS/PPS before an IDR.</summary>
    [Benchmark]
    public int RtpForm()
    {
        var frame = NextFrame();
        var packets = RtpWireForm.Of(frame, _rtpConfig).Packets.Length;
        frame.Release();
        return packets;
    }
}
