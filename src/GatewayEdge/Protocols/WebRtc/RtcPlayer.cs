using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Rtp;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc;

/// <summary>
/// A WHEP player's media: the stream's frames from its queue (the GOP cache first, so it starts on a
/// keyframe at once), each as the frame's shared RTP form, copied once per packet to write this
/// player's payload type, sequence number and SSRC, SRTP-protected and sent. Keeps the last packets
/// per track to answer NACKs; a PLI or FIR goes on to a WebRTC publisher of the stream.
/// </summary>
internal sealed class RtcPlayer
{
    private const int RetransmitSlots = 1024;

    private readonly RtcSession _session;
    private readonly PlaySession _play;
    private readonly RtcNegotiation _negotiation;
    private readonly ILogger _logger;
    private readonly Track? _video;
    private readonly Track? _audio;
    private readonly long _started = Stopwatch.GetTimestamp();
    private RtpVideoConfig? _videoConfig;
    private byte[] _resendScratch = new byte[1600];
    private UdpMultiSend? _batch;
    private bool _sentKeyframe;
    private bool _warnedAudio;
    private long _firstVideoMs = -1;
    private long _nacks;
    private long _retransmits;
    private long _plis;
    private long _droppedBFrames;
    private long _streamMs = -1;
    private long _streamMsAt;
    private long _lastReport;

    public RtcPlayer(RtcSession session, PlaySession play, RtcNegotiation negotiation, ILogger logger)
    {
        _session = session;
        _play = play;
        _negotiation = negotiation;
        _logger = logger;
        if (negotiation.Video is { } video)
        {
            _video = new Track(video);
        }
        if (negotiation.Audio is { } audio)
        {
            _audio = new Track(audio);
        }
    }

    /// <summary>Sends until the queue ends; returns why it ended.</summary>
    public async Task<string> RunAsync()
    {
        var queue = _play.Queue;
        await QueueReader.RunAsync(queue, batch =>
        {
            // All packets of the batch leave in as few system calls as the batch buffer allows.
            _batch = UdpMultiSend.ForThisThread();
            long bytes = 0;
            foreach (var frame in batch)
            {
                bytes += Send(frame);
            }
            _session.Flush(_batch);
            _batch = null;
            queue.AddSent(bytes);
            Report();
            return ValueTask.FromResult(true);
        });
        return queue.End == PlayerEnd.Unpublished ? "stream unpublished" : "player left";
    }

    public void Stop() => _play.Queue.Complete(PlayerEnd.Closed);

    /// <summary>Lost packets as the player's receiver reports count them, summed over both tracks.</summary>
    public long PacketsLost { get; private set; }

    public long Nacks => _nacks;

    public long Retransmits => _retransmits;

    public long KeyframeRequests => _plis;

    public string Summary() =>
        $"; first video frame {(_firstVideoMs < 0 ? "never" : _firstVideoMs + " ms")} after DTLS, {_nacks} NACKed packets ({_retransmits} resent), {_plis} PLI/FIR, {_droppedBFrames} B-frames dropped";

    /// <summary>Feedback from the player: NACKs are answered from the retransmit slots, PLI/FIR passed to the publisher.</summary>
    public void OnRtcp(ReadOnlySpan<byte> compound)
    {
        if (!RtcpCompound.TryParse(compound, out var packets))
        {
            return;
        }
        foreach (var packet in packets)
        {
            switch (packet)
            {
                case RtcpNack nack:
                    var track = nack.MediaSsrc == _video?.Ssrc ? _video : nack.MediaSsrc == _audio?.Ssrc ? _audio : null;
                    foreach (var seq in nack.Sequences)
                    {
                        _nacks++;
                        if (track?.Find(seq) is { } resend && Resend(resend, track, seq))
                        {
                            _retransmits++;
                        }
                    }
                    break;
                case RtcpReceiverReport report:
                    PacketsLost = report.Reports.Where(b => b.Ssrc == _video?.Ssrc || b.Ssrc == _audio?.Ssrc).Sum(b => (long)Math.Max(0, b.CumulativeLost));
                    break;
                case RtcpPli or RtcpFir:
                    _plis++;
                    _session.RequestPublisherKeyframe();
                    break;
            }
        }
    }

    /// <summary>A sender report per track each second: both tracks' RTP times against one NTP time,
    /// which is what lets the player line audio up with video.</summary>
    private void Report()
    {
        var now = Stopwatch.GetTimestamp();
        if (_streamMs < 0 || Stopwatch.GetElapsedTime(_lastReport, now).TotalSeconds < 1)
        {
            return;
        }
        _lastReport = now;
        var ntp = NtpTime.FromDateTime(DateTime.UtcNow);
        var streamNowMs = _streamMs + (long)Stopwatch.GetElapsedTime(_streamMsAt, now).TotalMilliseconds;
        foreach (var track in new[] { _video, _audio })
        {
            if (track is { Packets: > 0 })
            {
                var rtp = unchecked((uint)(streamNowMs * track.ClockRate / 1000));
                _session.SendRtcp(RtcpWriter.SenderReport(track.Ssrc, ntp, rtp, unchecked((uint)track.Packets), unchecked((uint)track.Octets)));
            }
        }
    }

    private long Send(MediaFrame frame)
    {
        if (frame.IsVideo || frame.IsAudio)
        {
            _streamMs = frame.IsVideo ? frame.Sample.Pts : frame.Timestamp;
            _streamMsAt = Stopwatch.GetTimestamp();
        }
        if (frame.IsVideo)
        {
            return SendVideo(frame);
        }
        if (!frame.IsAudio || _audio is null || frame.IsSequenceHeader)
        {
            return 0;
        }
        if (frame.Header.AudioCodec != AudioCodecId.Opus)
        {
            if (!_warnedAudio)
            {
                _warnedAudio = true;
                _logger.LogWarning("WebRTC player of {Url}: the stream's audio is {Codec}, which WebRTC does not carry, and no audio bridge converts it (rtmp_to_rtc off or no codec library); sending video only", _play.Address.Url, frame.Header.AudioCodec);
            }
            return 0;
        }
        return SendForm(RtpWireForm.Of(frame, null), _audio);
    }

    private long SendVideo(MediaFrame frame)
    {
        if (_video is null)
        {
            return 0;
        }
        if (frame.IsSequenceHeader)
        {
            _videoConfig = RtpVideoConfig.Of(frame) is { } config && config.Codec == _video.Codec ? config : null;
            return 0;
        }
        if (_videoConfig is null && frame.Header.VideoCodec == _video.Codec)
        {
            // VP8/VP9 need no sequence header, and an RTMP publisher may send none.
            _videoConfig = RtpVideoConfig.Plain(_video.Codec);
        }
        if (_videoConfig is null || frame.Header.VideoCodec != _videoConfig.Codec || frame.Header.Part != Media.Samples.SamplePart.Frame
            || (!_sentKeyframe && !frame.IsKeyframe))
        {
            return 0;
        }
        if (frame.Header.CompositionTime != 0 && _videoConfig.NalLengthSize > 0 && IsDisposable(frame.Sample.Data.Span, _videoConfig))
        {
            // WebRTC decoders take pictures in presentation order: B-frames do not go (as SRS).
            if (_droppedBFrames++ == 0)
            {
                _logger.LogWarning("WebRTC player of {Url}: the stream has B-frames, which WebRTC players do not take; dropping them (publish with -bf 0 for full frame rate)", _play.Address.Url);
            }
            return 0;
        }
        if (frame.IsKeyframe && !_sentKeyframe)
        {
            _sentKeyframe = true;
            _firstVideoMs = (long)Stopwatch.GetElapsedTime(_started).TotalMilliseconds;
        }
        return SendForm(RtpWireForm.Of(frame, _videoConfig), _video);
    }

    /// <summary>Whether every picture of the access unit is one no other picture refers to.</summary>
    internal static bool IsDisposable(ReadOnlySpan<byte> data, RtpVideoConfig config)
    {
        var pictures = 0;
        while (AnnexB.TryReadLengthPrefixed(ref data, config.NalLengthSize, out var nal))
        {
            var type = NalUnit.Type(config.Codec, nal);
            var vcl = config.Codec == VideoCodecId.H265 ? type is >= 0 and < 32 : type is >= 1 and <= 5;
            if (vcl)
            {
                if (!NalUnit.IsDisposable(config.Codec, nal))
                {
                    return false;
                }
                pictures++;
            }
        }
        return pictures > 0;
    }

    private long SendForm(RtpWireForm form, Track track)
    {
        long bytes = 0;
        foreach (var packet in form.Packets)
        {
            var seq = track.NextSequence++;
            track.Remember(seq, packet);
            if (Write(packet, track, seq))
            {
                bytes += packet.Length;
                track.Packets++;
                track.Octets += packet.Length - RtpHeader.FixedSize;
            }
        }
        return bytes;
    }

    /// <summary>Into this batch: the shared packet copied, this player's fields written, protected in place.</summary>
    private bool Write(byte[] packet, Track track, ushort seq)
    {
        var batch = _batch!;
        if (packet.Length + _session.RtpOverhead > UdpMultiSend.MaxDatagramSize)
        {
            return false;
        }
        if (batch.IsFull)
        {
            _session.Flush(batch);
        }
        var room = batch.Next;
        packet.CopyTo(room);
        RtpHeader.Rewrite(room, seq, track.Ssrc, track.PayloadType);
        if (_session.Protect(room, packet.Length) is var length and > 0)
        {
            batch.Commit(length);
            return true;
        }
        return false;
    }

    /// <summary>A NACKed packet again, at once (RTCP arrives on the receive thread, outside any batch).</summary>
    private bool Resend(byte[] packet, Track track, ushort seq)
    {
        var needed = packet.Length + _session.RtpOverhead;
        if (_resendScratch.Length < needed)
        {
            _resendScratch = new byte[needed];
        }
        packet.CopyTo(_resendScratch, 0);
        RtpHeader.Rewrite(_resendScratch, seq, track.Ssrc, track.PayloadType);
        return _session.SendRtp(_resendScratch, packet.Length);
    }

    /// <summary>One outgoing track: its negotiated payload type and SSRC, its sequence and the packets kept for NACKs.</summary>
    private sealed class Track
    {
        // Parallel arrays, not a record per packet: the fan-out path allocates nothing per player.
        private readonly ushort[] _sequences = new ushort[RetransmitSlots];
        private readonly byte[]?[] _packets = new byte[]?[RetransmitSlots];

        public Track(RtcTrack negotiated)
        {
            PayloadType = negotiated.PayloadType;
            Ssrc = negotiated.LocalSsrc;
            Codec = negotiated.VideoCodec;
            ClockRate = negotiated.ClockRate;
            NextSequence = (ushort)Random.Shared.Next(ushort.MaxValue);
        }

        public byte PayloadType { get; }

        public uint Ssrc { get; }

        public VideoCodecId Codec { get; }

        public ushort NextSequence { get; set; }

        public int ClockRate { get; }

        public long Packets { get; set; }

        public long Octets { get; set; }

        public void Remember(ushort seq, byte[] packet)
        {
            _sequences[seq % RetransmitSlots] = seq;
            _packets[seq % RetransmitSlots] = packet;
        }

        public byte[]? Find(ushort seq) => _sequences[seq % RetransmitSlots] == seq ? _packets[seq % RetransmitSlots] : null;
    }
}
