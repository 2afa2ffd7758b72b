using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Rtp;
using OrleansLive.Media.Samples;

namespace OrleansLive.GatewayEdge.Protocols.Rtsp;

/// <summary>
/// An RTSP player's media: the stream's frames from its queue (the GOP cache first), each as the
/// frame's shared RTP form (the same packets WebRTC players copy; AAC as RFC 3640), copied once per
/// packet to write this player's payload type, sequence number and SSRC, then framed for TCP
/// (interleaved, one write per batch) or sent to the client's UDP port. A sender report per track goes
/// before its first packet and every few seconds, on one clock for both tracks, so players line
/// audio up with video. PAUSE drops frames; PLAY again goes on from the next keyframe.
/// </summary>
internal sealed class RtspPlayer
{
    private const int ReportIntervalMs = 5000;

    private readonly RtspConnection _connection;
    private readonly PlaySession _play;
    private readonly RtspSetup? _video;
    private readonly RtspSetup? _audio;
    private readonly ILogger _logger;
    private readonly ArrayBufferWriter<byte> _out = new(64 * 1024);
    private readonly byte[] _scratch = new byte[2048];
    private RtpVideoConfig? _videoConfig;
    private volatile bool _paused;
    private bool _sentKeyframe;
    private bool _warnedAudio;
    private DateTime _clockBase;
    private bool _clockSet;

    public RtspPlayer(RtspConnection connection, PlaySession play, RtspSetup? video, RtspSetup? audio, ILogger logger)
    {
        _connection = connection;
        _play = play;
        _video = video;
        _audio = audio;
        _logger = logger;
        foreach (var setup in new[] { video, audio })
        {
            if (setup is not null)
            {
                setup.NextSequence = setup.FirstSequence;
            }
        }
    }

    public long VideoPackets => _video?.Packets ?? 0;

    public long AudioPackets => _audio?.Packets ?? 0;

    public void Pause() => _paused = true;

    public void Resume() => _paused = false;

    /// <summary>Sends until the queue ends or the connection fails; returns why it ended.</summary>
    public async Task<string> RunAsync()
    {
        var queue = _play.Queue;
        var failed = false;
        await QueueReader.RunAsync(queue, async batch =>
        {
            _out.ResetWrittenCount();
            long bytes = 0;
            foreach (var frame in batch)
            {
                bytes += Send(frame);
            }
            if (_out.WrittenCount > 0 && !await _connection.SendAsync(_out.WrittenMemory))
            {
                failed = true;
                return false;
            }
            queue.AddSent(bytes);
            return true;
        });
        return failed ? "send failed" : queue.End == PlayerEnd.Unpublished ? "stream unpublished" : "player left";
    }

    private long Send(MediaFrame frame)
    {
        if (_paused)
        {
            // Whatever comes after a pause starts from a keyframe, as a new player would.
            _sentKeyframe = false;
            if (frame.IsVideo && frame.IsSequenceHeader)
            {
                _videoConfig = VideoConfig(frame);
            }
            return 0;
        }
        if (frame.IsVideo)
        {
            return SendVideo(frame);
        }
        if (!frame.IsAudio || _audio is null || frame.IsSequenceHeader || frame.Header.Part != SamplePart.Frame)
        {
            return 0;
        }
        if (frame.Header.AudioCodec != _audio.Track.Audio)
        {
            if (!_warnedAudio)
            {
                _warnedAudio = true;
                _logger.LogWarning("RTSP player of {Url}: the stream's audio changed to {Codec}, not the {Described} DESCRIBE announced; sending video only", _play.Address.Url, frame.Header.AudioCodec, _audio.Track.Audio);
            }
            return 0;
        }
        if (_video is not null && !_sentKeyframe)
        {
            return 0;
        }
        var form = _audio.Track.Audio == AudioCodecId.Aac ? RtpWireForm.OfAac(frame, _audio.Track.ClockRate) : RtpWireForm.Of(frame, null);
        return SendForm(form, _audio, frame.Sample.Dts);
    }

    private RtpVideoConfig? VideoConfig(MediaFrame header) =>
        RtpVideoConfig.Of(header) is { } config && config.Codec == _video?.Track.Video ? config : null;

    private long SendVideo(MediaFrame frame)
    {
        if (_video is null)
        {
            return 0;
        }
        if (frame.IsSequenceHeader)
        {
            _videoConfig = VideoConfig(frame);
            return 0;
        }
        if (_videoConfig is null || frame.Header.VideoCodec != _videoConfig.Codec || frame.Header.Part != SamplePart.Frame
            || (!_sentKeyframe && !frame.IsKeyframe))
        {
            return 0;
        }
        _sentKeyframe = true;
        return SendForm(RtpWireForm.Of(frame, _videoConfig), _video, frame.Sample.Pts);
    }

    private long SendForm(RtpWireForm form, RtspSetup setup, long streamMs)
    {
        if (form.Packets.Length == 0)
        {
            return 0;
        }
        if (setup.LastReportMs < 0 || streamMs - setup.LastReportMs >= ReportIntervalMs || streamMs < setup.LastReportMs)
        {
            Report(setup, streamMs, form.Timestamp);
        }
        long bytes = 0;
        foreach (var packet in form.Packets)
        {
            var seq = setup.NextSequence++;
            if (Write(setup, packet, seq))
            {
                bytes += packet.Length;
                setup.Packets++;
                setup.Octets += packet.Length - RtpHeader.FixedSize;
            }
        }
        return bytes;
    }

    /// <summary>A sender report: the track's RTP time beside a wall clock that is the stream's own
    /// (anchored once per player), the same for both tracks.</summary>
    private void Report(RtspSetup setup, long streamMs, uint rtpTimestamp)
    {
        if (!_clockSet)
        {
            _clockSet = true;
            _clockBase = DateTime.UtcNow - TimeSpan.FromMilliseconds(streamMs);
        }
        setup.LastReportMs = streamMs;
        var ntp = NtpTime.FromDateTime(_clockBase + TimeSpan.FromMilliseconds(streamMs));
        var report = RtcpWriter.SenderReport(setup.Ssrc, ntp, rtpTimestamp, unchecked((uint)setup.Packets), unchecked((uint)setup.Octets));
        if (setup.Udp is { } udp)
        {
            if (udp.SendRtcp(report))
            {
                _connection.CountSent(report.Length);
            }
            return;
        }
        var span = _out.GetSpan(4 + report.Length);
        WriteFrameHeader(span, (byte)setup.Transport.RtcpChannel, report.Length);
        report.CopyTo(span[4..]);
        _out.Advance(4 + report.Length);
    }

    /// <summary>The shared packet copied, this player's fields written: into the TCP batch, or out to UDP at once.</summary>
    private bool Write(RtspSetup setup, byte[] packet, ushort seq)
    {
        if (setup.Udp is { } udp)
        {
            if (packet.Length > _scratch.Length)
            {
                return false;
            }
            var room = _scratch.AsSpan(0, packet.Length);
            packet.CopyTo(room);
            RtpHeader.Rewrite(room, seq, setup.Ssrc, setup.PayloadType);
            if (!udp.SendRtp(room))
            {
                return false;
            }
            _connection.CountSent(packet.Length);
            return true;
        }
        var span = _out.GetSpan(4 + packet.Length);
        WriteFrameHeader(span, (byte)setup.Transport.RtpChannel, packet.Length);
        packet.CopyTo(span[4..]);
        RtpHeader.Rewrite(span[4..], seq, setup.Ssrc, setup.PayloadType);
        _out.Advance(4 + packet.Length);
        return true;
    }

    private static void WriteFrameHeader(Span<byte> span, byte channel, int length)
    {
        span[0] = (byte)'$';
        span[1] = channel;
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], (ushort)length);
    }
}
