using OrleansLive.Media.Codecs;
using OrleansLive.Media.Rtp;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>
/// A frame as RTP packets, built once per frame for every WebRTC player of the stream: whole packets
/// (12-byte header and payload) with payload type, sequence number and SSRC left for each player to
/// write in its copy before SRTP protection. H.264/H.265 video carries its parameter sets before each
/// IDR, AV1 its sequence header before each keyframe that lacks one; VP8 and VP9 frames go as they are.
/// RTSP players share the same packets, and an AAC frame's (RFC 3640) at the stream's sampling rate.
/// </summary>
public sealed class RtpWireForm
{
    private RtpWireForm(byte[][] packets, uint timestamp, RtpVideoConfig? config, int clockRate)
    {
        Packets = packets;
        Timestamp = timestamp;
        Config = config;
        ClockRate = clockRate;
    }

    public byte[][] Packets { get; }

    /// <summary>RTP time: 90 kHz presentation time for video, 48 kHz for Opus.</summary>
    public uint Timestamp { get; }

    /// <summary>The RTP clock of <see cref="Timestamp"/>.</summary>
    public int ClockRate { get; }

    /// <summary>The decoder configuration the video packets were cut with.</summary>
    public RtpVideoConfig? Config { get; }

    public const int VideoClockRate = 90_000;

    /// <summary>The frame's form, built by the first player that sends it, for <paramref name="config"/>.</summary>
    public static RtpWireForm Of(MediaFrame frame, RtpVideoConfig? config) =>
        frame.GetWireForm(WireFormat.Rtp, config, Build, static (form, config) => form.Config == config);

    /// <summary>An AAC frame's form: one RFC 3640 AAC-hbr packet, its time at <paramref name="clockRate"/> (the sampling rate).</summary>
    public static RtpWireForm OfAac(MediaFrame frame, int clockRate) =>
        frame.GetWireForm(WireFormat.Rtp, clockRate, BuildAac, static (form, rate) => form.ClockRate == rate);

    private static RtpWireForm BuildAac(MediaFrame frame, int clockRate)
    {
        var sample = frame.Sample;
        var timestamp = unchecked((uint)(sample.Dts * clockRate / 1000));
        var payload = AacPacketizer.Packetize(sample.Data.Span);
        return new RtpWireForm(payload.Length == 0 ? [] : RtpPacketBuilder.Build([payload], 0, timestamp, 0), timestamp, null, clockRate);
    }

    private static RtpWireForm Build(MediaFrame frame, RtpVideoConfig? config)
    {
        var sample = frame.Sample;
        if (frame.IsVideo)
        {
            if (config is null)
            {
                return new RtpWireForm([], 0, null, VideoClockRate);
            }
            var pts = sample.Pts;
            var timestamp = unchecked((uint)(pts * (VideoClockRate / 1000)));
            var parameterSets = frame.IsKeyframe ? config.ParameterSets : null;
            const int max = RtpPacketBuilder.DefaultMaxPayloadSize;
            var payloads = config.Codec switch
            {
                VideoCodecId.H265 => H265Packetizer.PacketizeHvcc(sample.Data, config.NalLengthSize, max, parameterSets),
                VideoCodecId.Vp8 => Vp8Packetizer.Packetize(sample.Data.Span, max),
                VideoCodecId.Vp9 => Vp9Packetizer.Packetize(sample.Data.Span, frame.IsKeyframe, max),
                VideoCodecId.Av1 => Av1Packetizer.Packetize(sample.Data.Span, frame.IsKeyframe, config.ParameterSets is [var sequenceHeader] ? sequenceHeader.Span : default, max),
                _ => H264Packetizer.PacketizeAvcc(sample.Data, config.NalLengthSize, max, parameterSets),
            };
            return new RtpWireForm(RtpPacketBuilder.Build(payloads, 0, timestamp, 0), timestamp, config, VideoClockRate);
        }
        var audioTimestamp = unchecked((uint)(sample.Dts * (OpusPacketizer.ClockRate / 1000)));
        return new RtpWireForm(RtpPacketBuilder.Build([OpusPacketizer.Packetize(sample.Data.Span)], 0, audioTimestamp, 0), audioTimestamp, null, OpusPacketizer.ClockRate);
    }
}

/// <summary>
/// What a stream's video sequence header tells an RTP packetizer: the codec, the NAL length size and
/// the parameter sets to send before each IDR (for AV1, the sequence header OBU of its av1C). Parsed
/// once per sequence header frame and cached on it. VP8 and VP9 need none: their configuration is the
/// codec alone (<see cref="Plain"/>), as is AV1's when no av1C came (its keyframes carry the sequence header).
/// </summary>
public sealed class RtpVideoConfig
{
    private static readonly RtpVideoConfig None = new(VideoCodecId.Unknown, 4, []);
    private static readonly RtpVideoConfig Vp8 = new(VideoCodecId.Vp8, 0, []);
    private static readonly RtpVideoConfig Vp9 = new(VideoCodecId.Vp9, 0, []);
    private static readonly RtpVideoConfig Av1 = new(VideoCodecId.Av1, 0, []);

    private RtpVideoConfig(VideoCodecId codec, int nalLengthSize, IReadOnlyList<ReadOnlyMemory<byte>> parameterSets)
    {
        Codec = codec;
        NalLengthSize = nalLengthSize;
        ParameterSets = parameterSets;
    }

    public VideoCodecId Codec { get; }

    public int NalLengthSize { get; }

    public IReadOnlyList<ReadOnlyMemory<byte>> ParameterSets { get; }

    /// <summary>The configuration in a video sequence header frame; null if it is not one RTP can carry.</summary>
    public static RtpVideoConfig? Of(MediaFrame sequenceHeader)
    {
        var config = sequenceHeader.GetWireForm(WireFormat.Rtp, 0, static (frame, _) => Parse(frame), static (_, _) => true);
        return config == None ? null : config;
    }

    /// <summary>The configuration of a codec that can do without a sequence header (VP8, VP9, AV1); null for others.</summary>
    public static RtpVideoConfig? Plain(VideoCodecId codec) => codec switch
    {
        VideoCodecId.Vp8 => Vp8,
        VideoCodecId.Vp9 => Vp9,
        VideoCodecId.Av1 => Av1,
        _ => null,
    };

    private static RtpVideoConfig Parse(MediaFrame frame)
    {
        var sample = frame.Sample;
        if (sample.Header.VideoCodec == VideoCodecId.Av1)
        {
            var sequenceHeader = Av1Config.SequenceHeaderObu(sample.Data.Span);
            return sequenceHeader.IsEmpty ? Av1 : new RtpVideoConfig(VideoCodecId.Av1, 0, [sequenceHeader.ToArray()]);
        }
        if (Plain(sample.Header.VideoCodec) is { } plain)
        {
            return plain;
        }
        if (!VideoDecoderConfig.TryParse(sample.Header.VideoCodec, sample.Data.Span, out var record))
        {
            return None;
        }
        var sets = new List<ReadOnlyMemory<byte>>();
        var annexB = record.ParameterSetsAnnexB;
        foreach (var nal in AnnexB.Split(annexB))
        {
            sets.Add(nal.ToArray());
        }
        return new RtpVideoConfig(record.Codec, record.NalLengthSize, sets);
    }
}
