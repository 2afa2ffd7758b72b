using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Rtp;
using OrleansLive.Media.Samples;

namespace OrleansLive.GatewayEdge.Protocols.WebRtc;

/// <summary>
/// A WHIP publisher's media into the stream: video RTP through a reorder buffer (gaps NACKed) and the
/// depacketizer into access units, audio RTP into Opus packets, each made a sample and a hub frame.
/// A decoder configuration goes out before the first keyframe and whenever the parameter sets change
/// (for VP8/VP9, which need none, a VP codec configuration record once, so the stream's codec is known;
/// for AV1 an av1C from the keyframes' sequence header, again when it changes);
/// a broken access unit asks the publisher for a keyframe (PLI, rate limited). RTP times of both
/// tracks are put on one millisecond clock, anchored where each track's first packet arrived.
/// </summary>
internal sealed class RtcPublisher
{
    private readonly RtcSession _session;
    private readonly PublishSession _publish;
    private readonly RtcTrack? _video;
    private readonly RtcTrack? _audio;
    private readonly RtcSettings _settings;
    private readonly ILogger _logger;
    private readonly RtpReorderBuffer _reorder = new();
    private readonly IRtpVideoDepacketizer? _depacketizer;
    private readonly OpusDepacketizer _opus = new();
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly List<ushort> _missing = [];
    private readonly Lock _pliGate = new();
    private readonly RtcTrackClock _videoClock;
    private readonly RtcTrackClock _audioClock;
    private readonly List<(ushort Sequence, long ArrivalMicros)> _arrivals = [];
    private TransportCcFeedback? _feedback;
    private readonly Dictionary<uint, ReceiveStats> _receive = [];
    private long _lastReport;
    private long _lastFeedback;
    private long _lastGapRelease;
    private long _lastKeyframe = Stopwatch.GetTimestamp();
    private byte[]? _record;
    private bool _sentKeyframe;
    private bool _sentOpusHead;
    private uint _videoSsrc;
    private uint _audioSsrc;
    private bool _aligned;
    private long _lastPli;
    private long _lastNack;
    private long _videoFrames;
    private long _audioFrames;
    private long _plis;
    private long _nacked;

    public RtcPublisher(RtcSession session, PublishSession publish, RtcNegotiation negotiation, RtcSettings settings, ILogger logger)
    {
        _session = session;
        _publish = publish;
        _video = negotiation.Video;
        _audio = negotiation.Audio;
        _settings = settings;
        _logger = logger;
        _videoClock = new RtcTrackClock(RtpWireForm.VideoClockRate, _started);
        _audioClock = new RtcTrackClock(OpusPacketizer.ClockRate, _started);
        _depacketizer = _video?.VideoCodec switch
        {
            VideoCodecId.H264 => new H264Depacketizer(OnAccessUnit),
            VideoCodecId.H265 => new H265Depacketizer(OnAccessUnit),
            VideoCodecId.Vp8 => new Vp8Depacketizer(OnFrame),
            VideoCodecId.Vp9 => new Vp9Depacketizer(OnFrame),
            VideoCodecId.Av1 => new Av1Depacketizer(OnFrame),
            _ => null,
        };
    }

    public long PacketsLost => _reorder.LostPackets + _opus.LostPackets;

    public long Nacks => _nacked;

    public long KeyframeRequests => Volatile.Read(ref _plis);

    public string Summary() =>
        $"; published {_videoFrames} video and {_audioFrames} audio frames, {_reorder.LostPackets} packets lost, {_nacked} NACKed, {_plis} PLI sent";

    /// <summary>One decrypted RTP packet from the publisher.</summary>
    public void OnRtp(ReadOnlySpan<byte> packet)
    {
        if (!RtpHeader.TryParse(packet, out var header))
        {
            return;
        }
        NoteArrival(packet, header);
        CountReceived(header);
        if (_video is not null && header.PayloadType == _video.PayloadType && _depacketizer is not null)
        {
            _videoSsrc = header.Ssrc;
            if (_reorder.Push(packet.ToArray()))
            {
                while (_reorder.TryPop(out var next))
                {
                    _depacketizer.Push(next);
                }
            }
            if (_reorder.Count > 0)
            {
                Nack();
                ReleaseStaleGap();
            }
            else
            {
                _lastGapRelease = Stopwatch.GetTimestamp();
            }
            if (_depacketizer.KeyframeNeeded)
            {
                RequestKeyframe();
            }
        }
        else if (_audio is not null && header.PayloadType == _audio.PayloadType && _opus.TryDepacketize(packet, out var opus, out var timestamp))
        {
            _audioSsrc = header.Ssrc;
            OnOpus(opus, timestamp);
        }
    }

    /// <summary>Reports from the publisher: its sender reports, echoed in our receiver reports (LSR/DLSR) so it can measure the round trip.</summary>
    public void OnRtcp(ReadOnlySpan<byte> packet)
    {
        if (!RtcpCompound.TryParse(packet, out var packets))
        {
            return;
        }
        foreach (var report in packets.OfType<RtcpSenderReport>())
        {
            if (_receive.TryGetValue(report.Ssrc, out var stats))
            {
                (stats.LastSenderReport, stats.LastSenderReportAt) = (NtpTime.Middle32(report.NtpTimestamp), Stopwatch.GetTimestamp());
            }
            if (report.Ssrc == _videoSsrc && _video is not null)
            {
                _videoClock.OnSenderReport(report.NtpTimestamp, report.RtpTimestamp);
            }
            else if (report.Ssrc == _audioSsrc && _audio is not null)
            {
                _audioClock.OnSenderReport(report.NtpTimestamp, report.RtpTimestamp);
            }
        }
        if (!_aligned && RtcTrackClock.Align(_videoClock, _audioClock) is { } lead)
        {
            // Each track was placed at its first packet's arrival; the sender's clock says how they line up.
            _aligned = true;
            _logger.LogInformation("WebRTC publish of {Url}: audio and video lined up by the sender's reports (audio led by {Lead:0} ms)", _publish.Address.Url, lead);
        }
    }

    /// <summary>How far the published audio leads the video (ms) by the sender's latest reports; null before both reported.</summary>
    public double? AvOffsetMs => RtcTrackClock.Offset(_videoClock, _audioClock);

    /// <summary>Per-source counts for receiver reports (RFC 3550 6.4.1, A.3); a receiver report a second.</summary>
    private void CountReceived(in RtpHeader header)
    {
        if (!_receive.TryGetValue(header.Ssrc, out var stats))
        {
            if (_receive.Count >= 8)
            {
                return;
            }
            _receive[header.Ssrc] = stats = new ReceiveStats(header.SequenceNumber);
        }
        stats.Add(header.SequenceNumber);
        var now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(_lastReport, now).TotalSeconds < 1)
        {
            return;
        }
        _lastReport = now;
        var blocks = _receive.Select(pair => pair.Value.Block(pair.Key, now)).ToList();
        _session.SendRtcp(RtcpWriter.ReceiverReport((_video ?? _audio)!.LocalSsrc, blocks));
    }

    /// <summary>A PLI to the publisher, at most once per <see cref="RtcSettings.PliIntervalMilliseconds"/>.
    /// Called from the publisher's packets, from players' feedback and from a pulling gateway's request.</summary>
    public void RequestKeyframe()
    {
        lock (_pliGate)
        {
            var now = Stopwatch.GetTimestamp();
            if (_videoSsrc == 0 || Stopwatch.GetElapsedTime(_lastPli, now).TotalMilliseconds < _settings.PliIntervalMilliseconds)
            {
                return;
            }
            _lastPli = now;
            _plis++;
        }
        _session.SendRtcp(RtcpWriter.Pli(_video!.LocalSsrc, _videoSsrc));
    }

    /// <summary>Transport-wide sequence numbers and arrival times, fed back every 50 ms so the
    /// publisher's congestion control sees the path (Chrome lowers its bitrate without them).</summary>
    private void NoteArrival(ReadOnlySpan<byte> packet, in RtpHeader header)
    {
        var id = header.PayloadType == _video?.PayloadType ? _video.TransportCcId : header.PayloadType == _audio?.PayloadType ? _audio.TransportCcId : 0;
        if (id == 0 || !TransportWideSequence.TryRead(packet, header, id, out var sequence))
        {
            return;
        }
        var now = Stopwatch.GetTimestamp();
        _arrivals.Add((sequence, (long)Stopwatch.GetElapsedTime(_started, now).TotalMicroseconds));
        if (Stopwatch.GetElapsedTime(_lastFeedback, now).TotalMilliseconds < 50 && _arrivals.Count < TransportCcFeedback.MaxReceivedPerPacket)
        {
            return;
        }
        _lastFeedback = now;
        var sender = (_video ?? _audio)!.LocalSsrc;
        _feedback ??= new TransportCcFeedback(sender, header.Ssrc);
        foreach (var feedback in _feedback.Build(_arrivals))
        {
            _session.SendRtcp(feedback);
        }
        _arrivals.Clear();
    }

    /// <summary>A gap NACKs could not fill within 300 ms is given up, so the frames behind it go on
    /// (the depacketizer then asks for a keyframe).</summary>
    private void ReleaseStaleGap()
    {
        var now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(_lastGapRelease, now).TotalMilliseconds < 300)
        {
            return;
        }
        _lastGapRelease = now;
        _reorder.SkipMissing();
        while (_reorder.TryPop(out var next))
        {
            _depacketizer!.Push(next);
        }
    }

    private void Nack()
    {
        var now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(_lastNack, now).TotalMilliseconds < 20)
        {
            return;
        }
        _missing.Clear();
        _reorder.GetMissing(_missing);
        if (_missing.Count == 0)
        {
            return;
        }
        _lastNack = now;
        _nacked += _missing.Count;
        _session.SendRtcp(RtcpWriter.Nack(_video!.LocalSsrc, _videoSsrc, _missing));
    }

    private void OnAccessUnit(RtpAccessUnit unit)
    {
        var dts = _videoClock.ToMilliseconds(unit.Timestamp);
        if ((unit.HasParameterSets || _record is null) && _depacketizer is RtpVideoDepacketizer nals)
        {
            if (nals.BuildDecoderRecord() is { } record && (_record is null || !record.AsSpan().SequenceEqual(_record)))
            {
                _record = record;
                Emit(new SampleHeader(MediaKind.Video, unit.Codec, AudioCodecId.Unknown, SamplePart.Config, true, 0, 0), dts, record);
            }
        }
        EmitFrame(unit.Codec, unit.IsKeyframe, dts, unit.ToLengthPrefixed(includeParameterSets: false));
    }

    private void OnFrame(RtpVideoFrame frame)
    {
        var dts = _videoClock.ToMilliseconds(frame.Timestamp);
        if (frame.IsKeyframe && (frame.Codec == VideoCodecId.Av1 || _record is null)
            && (frame.Codec == VideoCodecId.Av1 ? Av1Config.Build(frame.Data) : VpConfig.Build()) is { } record
            && (_record is null || !record.AsSpan().SequenceEqual(_record)))
        {
            _record = record;
            Emit(new SampleHeader(MediaKind.Video, frame.Codec, AudioCodecId.Unknown, SamplePart.Config, true, 0, 0), dts, _record);
        }
        EmitFrame(frame.Codec, frame.IsKeyframe, dts, frame.Data);
    }

    /// <summary>Frames go out once a configuration did, from a keyframe on; a publisher that sends none
    /// for too long is asked for one.</summary>
    private void EmitFrame(VideoCodecId codec, bool keyframe, long dts, byte[] data)
    {
        if (keyframe)
        {
            _lastKeyframe = Stopwatch.GetTimestamp();
        }
        else if (_settings.KeyframeIntervalSeconds > 0 && Stopwatch.GetElapsedTime(_lastKeyframe).TotalSeconds >= _settings.KeyframeIntervalSeconds)
        {
            RequestKeyframe();
        }
        if (_record is null || (!_sentKeyframe && !keyframe))
        {
            return;
        }
        _sentKeyframe = true;
        _videoFrames++;
        Emit(new SampleHeader(MediaKind.Video, codec, AudioCodecId.Unknown, SamplePart.Frame, keyframe, 0, 0), dts, data);
    }

    /// <summary>How long a publish with a video track holds its audio back waiting for the first keyframe.</summary>
    private const long AudioWaitForVideoMs = 3000;

    private void OnOpus(ReadOnlyMemory<byte> packet, uint timestamp)
    {
        var dts = _audioClock.ToMilliseconds(timestamp);
        if (!_sentOpusHead)
        {
            _sentOpusHead = true;
            Emit(new SampleHeader(MediaKind.Audio, VideoCodecId.Unknown, AudioCodecId.Opus, SamplePart.Config, false, 0, 0), dts, OpusHead.ForChannels(2).ToBytes());
        }
        if (_video is not null && !_sentKeyframe && dts < AudioWaitForVideoMs)
        {
            // The stream's media starts with its first picture, as an RTMP encoder's does (the audio
            // configuration goes ahead): recorders that see audio frames first take the stream for
            // audio-only, an MP4 DVR fixing its tracks without video. A publisher whose video never
            // comes is heard after a while.
            return;
        }
        _audioFrames++;
        Emit(new SampleHeader(MediaKind.Audio, VideoCodecId.Unknown, AudioCodecId.Opus, SamplePart.Frame, false, 0, 0), dts, packet);
    }

    private void Emit(SampleHeader header, long dts, ReadOnlyMemory<byte> data) => _publish.Publish(new MediaSample(header, dts, data));

    private sealed class ReceiveStats(ushort first)
    {
        private readonly long _base = first;
        private long _highest = first;
        private long _received;
        private long _expectedPrior;
        private long _receivedPrior;

        public uint LastSenderReport { get; set; }

        public long LastSenderReportAt { get; set; }

        public void Add(ushort sequence)
        {
            var extended = _highest + (short)(sequence - (ushort)_highest);
            _highest = Math.Max(_highest, extended);
            _received++;
        }

        public RtcpReportBlock Block(uint ssrc, long now)
        {
            var expected = _highest - _base + 1;
            var lost = Math.Max(0, expected - _received);
            var (expectedInterval, receivedInterval) = (expected - _expectedPrior, _received - _receivedPrior);
            (_expectedPrior, _receivedPrior) = (expected, _received);
            var lostInterval = expectedInterval - receivedInterval;
            var fraction = expectedInterval <= 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
            var delay = LastSenderReportAt == 0 ? 0 : NtpTime.ToDelayUnits(Stopwatch.GetElapsedTime(LastSenderReportAt, now));
            return new RtcpReportBlock(ssrc, fraction, (int)Math.Min(lost, 0x7FFFFF), unchecked((uint)_highest), 0, LastSenderReport, delay);
        }
    }
}
