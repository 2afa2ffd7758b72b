using System.Buffers;
using BenchmarkDotNet.Attributes;
using OrleansLive.GatewayEdge.Protocols.Http;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Containers.Mp4;

namespace OrleansLive.Benchmarks;

/// <summary>
/// Writers over one GOP of the 500 kbit/s stream (135 frames), per frame: an HTTP-FLV player's
/// copy of each shared tag into its output (what Kestrel's body writer gets), and the fMP4 fragment
/// writer that HLS (fMP4 segments) and DVR (.mp4) use, one moof + mdat per GOP.
/// </summary>
[MemoryDiagnoser]
public class ContainerBenchmarks
{
    private const int Frames = 135;

    private readonly ArrayBufferWriter<byte> _output = new(1024 * 1024);
    private MediaFrame[] _gop = null!;
    private HttpRemux _flv = null!;
    private Fmp4FragmentWriter _fragments = null!;

    [GlobalSetup]
    public void Setup()
    {
        _gop = [.. SyntheticMedia.Gop().Select(f => MediaFrame.Copy(f.Type, f.Timestamp, f.Body))];
        if (_gop.Length != Frames)
        {
            throw new InvalidOperationException($"expected {Frames} frames, built {_gop.Length}");
        }
        _flv = HttpRemux.For(".flv")!;
        var videoHeader = MediaFrame.Copy(FrameTypes.Video, 0, SyntheticMedia.AvcSequenceHeader());
        var audioHeader = MediaFrame.Copy(FrameTypes.Audio, 0, SyntheticMedia.AacSequenceHeader());
        if (!Fmp4TrackConfig.TryFromVideo(videoHeader.Sample, out var video) || !Fmp4TrackConfig.TryFromAudio(audioHeader.Sample, out var audio))
        {
            throw new InvalidOperationException("no fMP4 track configuration");
        }
        _fragments = new Fmp4FragmentWriter(video, audio);
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public int HttpFlvWrite()
    {
        _output.ResetWrittenCount();
        foreach (var frame in _gop)
        {
            _flv.Write(_output, frame);
        }
        return _output.WrittenCount;
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public int Fmp4Fragment()
    {
        _output.ResetWrittenCount();
        foreach (var frame in _gop)
        {
            _fragments.Add(frame.Sample);
        }
        _fragments.WriteFragment(_output);
        return _output.WrittenCount;
    }
}
