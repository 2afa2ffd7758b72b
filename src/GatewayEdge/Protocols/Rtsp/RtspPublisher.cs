using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OrleansLive.GatewayEdge.Protocols.WebRtc;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Rtp;
using OrleansLive.Media.Rtsp;
using OrleansLive.Media.Samples;

namespace OrleansLive.GatewayEdge.Protocols.Rtsp;

/// <summary>
/// An RTSP publisher's media into the stream (after ANNOUNCE and RECORD): video RTP through the
/// WebRTC ingest's depacketizers into access units, AAC (RFC 3640) into raw frames, Opus as it is;
/// each becomes a sample and a hub frame. The decoder configurations come from the announced SDP
/// (sprop parameter sets, the AAC config) and from parameter sets sent in band when they change. RTP
/// times go on the stream's millisecond clock per track, lined up by the sender's reports. Packets of
/// both tracks may come from two UDP receive loops at once: one lock keeps them in turn.
/// </summary>
internal sealed class RtspPublisher
{
    // Three seconds after the first second the clocks start at.
    private const long AudioWaitForVideoMs = 4000;

    private readonly PublishSession _publish;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Input[] _inputs;
    private readonly Input? _videoInput;
    private readonly Input? _audioInput;
    private readonly List<Range> _units = [];
    private readonly DecodeTimes<RtpAccessUnit> _decodeTimes;
    private bool _aligned;
    private byte[]? _record;
    private bool _sentRecord;
    private bool _sentKeyframe;
    private bool _sentAudioConfig;
    private long _videoFrames;
    private long _audioFrames;
    private long _badPackets;

    public RtspPublisher(PublishSession publish, IReadOnlyList<RtspTrack> tracks, ILogger logger)
    {
        _publish = publish;
        _logger = logger;
        // Times start a second in, so decode times moved earlier for B-frames stay positive.
        var started = Stopwatch.GetTimestamp() - Stopwatch.Frequency;
        _decodeTimes = new DecodeTimes<RtpAccessUnit>(OnPicture);
        _inputs = [.. tracks.Select(t => new Input(t, new RtcTrackClock(t.ClockRate, started)))];
        foreach (var input in _inputs)
        {
            var track = input.Track;
            if (track.IsVideo)
            {
                _videoInput = input;
                input.Video = track.Video == VideoCodecId.H265 ? new H265Depacketizer(OnAccessUnit) : new H264Depacketizer(OnAccessUnit);
                _record = SdpRecord(track);
            }
            else
            {
                _audioInput = input;
                if (track.Audio == AudioCodecId.Aac)
                {
                    input.Aac = new AacDepacketizer(track.SizeLength, track.IndexLength, track.IndexDeltaLength);
                }
                else
                {
                    input.Opus = new OpusDepacketizer();
                }
            }
        }
    }

    public long Frames => Interlocked.Read(ref _videoFrames) + Interlocked.Read(ref _audioFrames);

    public string Summary() => $"published {_videoFrames} video and {_audioFrames} audio frames, {_badPackets} unusable packets, {(_videoInput?.Video as RtpVideoDepacketizer)?.LostPackets ?? 0} video packets lost";

    /// <summary>One RTP packet of track <paramref name="index"/>.</summary>
    public void OnRtp(int index, ReadOnlySpan<byte> packet)
    {
        if ((uint)index >= (uint)_inputs.Length || !RtpHeader.TryParse(packet, out var header))
        {
            Interlocked.Increment(ref _badPackets);
            return;
        }
        lock (_gate)
        {
            var input = _inputs[index];
            input.Ssrc = header.Ssrc;
            if (input.Video is { } video)
            {
                video.Push(packet);
            }
            else if (input.Aac is { } aac)
            {
                OnAac(input, aac, header, packet);
            }
            else if (input.Opus is { } opus && opus.TryDepacketize(packet, out var data, out var timestamp))
            {
                OnAudio(input, timestamp, data, AudioCodecId.Opus);
            }
        }
    }

    /// <summary>The publisher's RTCP: its sender reports line the two tracks' clocks up once.</summary>
    public void OnRtcp(ReadOnlySpan<byte> packet)
    {
        if (!RtcpCompound.TryParse(packet, out var packets))
        {
            return;
        }
        lock (_gate)
        {
            foreach (var report in packets.OfType<RtcpSenderReport>())
            {
                foreach (var input in _inputs)
                {
                    if (input.Ssrc == report.Ssrc)
                    {
                        input.Clock.OnSenderReport(report.NtpTimestamp, report.RtpTimestamp);
                    }
                }
            }
            if (!_aligned && _videoInput is not null && _audioInput is not null && RtcTrackClock.Align(_videoInput.Clock, _audioInput.Clock) is { } lead)
            {
                _aligned = true;
                _logger.LogInformation("RTSP publish of {Url}: audio and video lined up by the sender's reports (audio led by {Lead:0} ms)", _publish.Address.Url, lead);
            }
        }
    }

    public void Flush()
    {
        lock (_gate)
        {
            if (_videoInput?.Video is RtpVideoDepacketizer video)
            {
                video.Flush();
            }
            _decodeTimes.Flush();
        }
    }

    private static byte[]? SdpRecord(RtspTrack track)
    {
        List<byte[]> Of(int type) => [.. track.ParameterSets.Where(n => n.Length > 1 && NalUnit.Type(track.Video, n) == type)];
        return track.Video == VideoCodecId.H265
            ? DecoderRecordBuilder.BuildHevc(Of(NalUnit.HevcVps), Of(NalUnit.HevcSps), Of(NalUnit.HevcPps))
            : DecoderRecordBuilder.BuildAvc(Of(NalUnit.AvcSps), Of(NalUnit.AvcPps));
    }

    /// <summary>RTP times of pictures are presentation times: decode times come from their order.</summary>
    private void OnAccessUnit(RtpAccessUnit unit) => _decodeTimes.Push(unit, _videoInput!.Clock.ToMilliseconds(unit.Timestamp));

    private void OnPicture(RtpAccessUnit unit, long dts, long pts)
    {
        var input = _videoInput!;
        if (unit.HasParameterSets && input.Video is RtpVideoDepacketizer nals && nals.BuildDecoderRecord() is { } inBand
            && (_record is null || !inBand.AsSpan().SequenceEqual(_record)))
        {
            _record = inBand;
            _sentRecord = false;
        }
        if (_record is null || (!_sentKeyframe && !unit.IsKeyframe))
        {
            return;
        }
        if (!_sentRecord)
        {
            _sentRecord = true;
            Emit(new SampleHeader(MediaKind.Video, unit.Codec, AudioCodecId.Unknown, SamplePart.Config, true, 0, 0), dts, _record);
        }
        _sentKeyframe = true;
        Interlocked.Increment(ref _videoFrames);
        var composition = (int)Math.Clamp(pts - dts, 0, 0x7FFFFF);
        Emit(new SampleHeader(MediaKind.Video, unit.Codec, AudioCodecId.Unknown, SamplePart.Frame, unit.IsKeyframe, composition, 0), dts, unit.ToLengthPrefixed(includeParameterSets: false));
    }

    private void OnAac(Input input, AacDepacketizer aac, in RtpHeader header, ReadOnlySpan<byte> packet)
    {
        var payload = header.Payload(packet);
        if (!aac.TryDepacketize(payload, _units))
        {
            Interlocked.Increment(ref _badPackets);
            return;
        }
        for (var i = 0; i < _units.Count; i++)
        {
            // Units of one packet follow each other, 1,024 samples apart.
            OnAudio(input, unchecked(header.Timestamp + (uint)(i * 1024)), payload[_units[i]].ToArray(), AudioCodecId.Aac);
        }
    }

    private void OnAudio(Input input, uint timestamp, ReadOnlyMemory<byte> data, AudioCodecId codec)
    {
        var dts = input.Clock.ToMilliseconds(timestamp);
        if (!_sentAudioConfig)
        {
            _sentAudioConfig = true;
            var config = codec == AudioCodecId.Aac ? input.Track.AudioConfig : OpusHead.ForChannels(Math.Max(1, input.Track.Channels)).ToBytes();
            Emit(new SampleHeader(MediaKind.Audio, VideoCodecId.Unknown, codec, SamplePart.Config, false, 0, 0), dts, config);
        }
        if (_videoInput is not null && !_sentKeyframe && dts < AudioWaitForVideoMs)
        {
            // The stream starts with its first picture, as an RTMP encoder's does (see RtcPublisher).
            return;
        }
        Interlocked.Increment(ref _audioFrames);
        Emit(new SampleHeader(MediaKind.Audio, VideoCodecId.Unknown, codec, SamplePart.Frame, false, 0, 0), dts, data);
    }

    private void Emit(SampleHeader header, long dts, ReadOnlyMemory<byte> data) => _publish.Publish(new MediaSample(header, dts, data));

    private sealed class Input(RtspTrack track, RtcTrackClock clock)
    {
        public RtspTrack Track { get; } = track;

        public RtcTrackClock Clock { get; } = clock;

        public IRtpVideoDepacketizer? Video { get; set; }

        public AacDepacketizer? Aac { get; set; }

        public OpusDepacketizer? Opus { get; set; }

        public uint Ssrc { get; set; }
    }
}
