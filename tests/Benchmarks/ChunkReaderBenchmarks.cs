using System.Buffers;
using BenchmarkDotNet.Attributes;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.Benchmarks;

/// <summary>
/// The publish path's first step: one GOP of the 500 kbit/s stream (135 messages) reassembled from
/// its RTMP chunks, at the RTMP default chunk size and at the 4,096 bytes encoders such as ffmpeg set.
/// Per operation = per message; each message's pooled buffer goes back at once.
/// </summary>
[MemoryDiagnoser]
public class ChunkReaderBenchmarks
{
    private const int Messages = 135;

    private ReadOnlySequence<byte> _input;
    private RtmpChunkReader _reader = null!;

    [Params(128, 4096)]
    public int ChunkSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var output = new ArrayBufferWriter<byte>();
        var count = 0;
        foreach (var (type, timestamp, body) in SyntheticMedia.Gop())
        {
            RtmpChunkWriter.WriteMessageType0(output, RtmpWireForm.ChunkStreamFor(type), timestamp, type, 1, body, ChunkSize);
            count++;
        }
        if (count != Messages)
        {
            throw new InvalidOperationException($"expected {Messages} messages, built {count}");
        }
        _input = new ReadOnlySequence<byte>(output.WrittenMemory);
        _reader = new RtmpChunkReader(MediaFrame.Headroom, MediaFrame.Tailroom);
        _reader.SetChunkSize(ChunkSize);
    }

    [GlobalCleanup]
    public void Cleanup() => _reader.Dispose();

    [Benchmark(OperationsPerInvoke = Messages)]
    public int ReadMessage()
    {
        var buffer = _input;
        var read = 0;
        while (_reader.TryReadMessage(ref buffer, out var message))
        {
            read += message.Length;
            message.ReturnBuffer();
        }
        return read;
    }
}
