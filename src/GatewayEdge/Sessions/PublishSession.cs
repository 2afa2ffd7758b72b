using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Interfaces;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.Media.Samples;

namespace OrleansLive.GatewayEdge.Sessions;

/// <summary>
/// An admitted publish: frames go into the hub through <see cref="Publish"/>, which also keeps the
/// stream grain's codec facts current; disposing ends the publish (players end after their queues,
/// extensions stop, the lease is released).
/// </summary>
public sealed class PublishSession : IAsyncDisposable
{
    private readonly StreamSessions _owner;
    private VideoInfo? _video;
    private AudioInfo? _audio;
    private int _disposed;

    internal PublishSession(StreamSessions owner, ClientSession client, StreamHub hub, StreamAddress address, string streamId, List<IAsyncDisposable> extensions)
    {
        _owner = owner;
        Client = client;
        Hub = hub;
        Address = address;
        StreamId = streamId;
        Extensions = extensions;
    }

    public ClientSession Client { get; }

    public StreamHub Hub { get; }

    public StreamAddress Address { get; }

    public string StreamId { get; }

    internal List<IAsyncDisposable> Extensions { get; }

    /// <summary>Hands a frame to every player and writer of the stream; the caller keeps its reference.</summary>
    public void Publish(MediaFrame frame)
    {
        if (frame.IsSequenceHeader || (frame.IsAudio && _audio is null))
        {
            UpdateCodecs(frame);
        }
        Hub.Publish(frame);
    }

    /// <summary>Publishes one sample the protocol assembled (WebRTC, RTSP) as a frame of its own; false when
    /// the sample is not one a frame can carry.</summary>
    public bool Publish(MediaSample sample)
    {
        if (SampleFrames.FromSample(sample) is not { } frame)
        {
            return false;
        }
        try
        {
            Publish(frame);
        }
        finally
        {
            frame.Release();
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _owner.EndPublishAsync(this);
        }
    }

    /// <summary>Codec facts come from decoder configurations (MP3 has none: its first frame says).</summary>
    private void UpdateCodecs(MediaFrame frame)
    {
        var payload = frame.Payload.Span;
        if (frame.IsVideo && VideoCodecInfo.TryParse(payload, out var video))
        {
            _video = video.ToInfo();
        }
        else if (frame.IsAudio && AudioCodecInfo.TryParse(payload, out var audio))
        {
            _audio = audio.ToInfo();
        }
        else
        {
            return;
        }
        _owner.ReportCodecs(Client, Address, _video, _audio);
    }
}
