using System.Diagnostics;
using System.Net;
using OrleansLive.GatewayEdge.Protocols.Srt.Native;
using OrleansLive.Media.Containers.MpegTs;

namespace OrleansLive.LoadTool;

/// <summary>
/// An SRT player: a libsrt caller whose streamid asks to play (<c>m=request</c>), served by the run's
/// <see cref="SrtCallerLoop"/>; each live message (7 TS packets) goes through a
/// <see cref="TsFrameFeed"/> with the time it was received.
/// </summary>
internal sealed class SrtPlayer : LoadPlayer, ISrtCaller
{
    private readonly SrtCallerLoop _loop;
    private readonly IPEndPoint _remote;
    private readonly string _streamId;
    private readonly TsFrameFeed _feed;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _socket = LibSrt.InvalidSocket;

    public SrtPlayer(int index, string stream, IPEndPoint remote, string streamId, SrtCallerLoop loop, PlayerContext context)
        : base(index, stream, context)
    {
        _loop = loop;
        _remote = remote;
        _streamId = streamId;
        _feed = new TsFrameFeed((arrived, stamp) => OnVideo(arrived, frame: true, stamp), OnAudio);
    }

    public override string Kind => "srt";

    public TsDemuxerCounters Counters => _feed.Counters;

    public override void Close()
    {
        _loop.Close(Volatile.Read(ref _socket));
        _ended.TrySetResult(null);
    }

    void ISrtCaller.Connected() => _connected.TrySetResult();

    void ISrtCaller.Ended(string reason)
    {
        _connected.TrySetException(new IOException(reason));
        _ended.TrySetResult(reason);
    }

    void ISrtCaller.Received(ReadOnlySpan<byte> message, long arrived)
    {
        BytesReceived += message.Length;
        _feed.Push(message, arrived);
    }

    protected override async Task OpenAsync(CancellationToken cancellationToken)
    {
        // The streamid in the handshake is the play request.
        PlayRequestTicks = Stopwatch.GetTimestamp();
        Volatile.Write(ref _socket, _loop.Open(this, _remote, _streamId));
        try
        {
            await _connected.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The run's own end is told apart by the caller; this is the connect timeout.
            throw new TimeoutException($"SRT connect: no answer in {Options.ConnectTimeoutSeconds} s");
        }
    }

    protected override async Task PlayAsync(CancellationToken cancellationToken)
    {
        if (await _ended.Task is { } reason)
        {
            throw new IOException(reason);
        }
    }

    protected override void Release() => _loop.Close(Volatile.Read(ref _socket));
}
