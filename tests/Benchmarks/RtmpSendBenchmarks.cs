using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Streams;

namespace OrleansLive.Benchmarks;

/// <summary>
/// One RTMP player's send of a batch of frames: the frames' shared chunked forms gathered into one
/// vectored send on a non-blocking loopback TCP socket, as a player's loop does it, with a thread on
/// the other end reading everything. One frame per batch is the low-latency mode; ten (about 350 ms
/// of video and audio) is what the merged-write window hands over at once. Includes the kernel's
/// loopback send, which is most of the cost on a real server too.
/// </summary>
[MemoryDiagnoser]
public class RtmpSendBenchmarks
{
    private const int ChunkSize = 60000;

    private readonly List<MediaFrame> _batch = [];
    private Socket _peer = null!;
    private RtmpSession _session = null!;
    private Thread _drain = null!;
    private volatile bool _stopping;

    [Params(1, 10)]
    public int BatchFrames { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        _peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _peer.Connect(listener.LocalEndPoint!);
        var server = listener.Accept();
        server.NoDelay = true;
        _drain = new Thread(Drain) { IsBackground = true, Name = "rtmp-bench-drain" };
        _drain.Start();
        _session = new RtmpSession(server, 8 * 1024 * 1024, zeroByteReads: true);
        _session.SendAsync((w, o) => RtmpControl.SetChunkSize(w, o, ChunkSize), CancellationToken.None).GetAwaiter().GetResult();
        // As a player's connection once it plays: plain sends first, async only for what does not fit.
        server.Blocking = false;

        // Mostly video with the audio between, as a stream's frames arrive; forms built once up front.
        for (var i = 0; i < BatchFrames; i++)
        {
            var frame = i % 3 == 2 ? SyntheticMedia.AudioFrame((uint)(i * 23)) : SyntheticMedia.VideoFrame((uint)(i * 40), key: false);
            RtmpWireForm.Of(frame, ChunkSize);
            _batch.Add(frame);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stopping = true;
        _session.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _drain.Join();
        _peer.Dispose();
        foreach (var frame in _batch)
        {
            frame.Release();
        }
    }

    [Benchmark]
    public int SendBatch()
    {
        var send = _session.SendFramesAsync(_batch, RtmpWireForm.PlayStreamId, ChunkSize, TimeSpan.FromSeconds(10), CancellationToken.None);
        return send.IsCompletedSuccessfully ? send.Result : send.AsTask().GetAwaiter().GetResult();
    }

    private void Drain()
    {
        var buffer = new byte[1024 * 1024];
        try
        {
            while (!_stopping && _peer.Receive(buffer) > 0)
            {
            }
        }
        catch (SocketException)
        {
            // The sending side closed at cleanup.
        }
    }
}
