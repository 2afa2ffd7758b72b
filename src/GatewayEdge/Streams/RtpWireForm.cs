using OrleansLive.Media.Codecs;
using OrleansLive.Media.Rtp;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>
/// A frame as RTP packets, built once per frame for every WebRTC player of the stream: whole packets
/// (12-byte header and payload) with payload type, sequence number and SSRC left for each player to
/// write in its copy before SRTP protection. Video carries its parameter sets before each IDR.
/// </summary>
public sealed class RtpWireForm
{
    private RtpWireForm(byte[][] packets, uint timestamp, RtpVideoConfig? config)
    {
        Packets = packets;
        Timestamp = timestamp;
        Config = config;
    }

    public byte[][] Packets { get; }

    /// <summary>RTP time: 90 kHz presentation time for video, 48 kHz for Opus.</summary>
    public uint Timestamp { get; }

    /// <summary>The decoder configuration the video packets were cut with.</summary>
    public RtpVideoConfig? Config { get; }

    public const int VideoClockRate = 90_000;

    /// <summary>The frame's form, built by the first player that sends it, for <paramref name="config"/>.</summary>
    public static RtpWireForm Of(MediaFrame frame, RtpVideoConfig? config) =>
        frame.GetWireForm(WireFormat.Rtp, config, Build, static (form, config) => form.Config == config);

    private static RtpWireForm Build(MediaFrame frame, RtpVideoConfig? config)
    {
        var sample = frame.Sample;
        if (frame.IsVideo)
        {
            if (config is null)
            {
                return new RtpWireForm([], 0, null);
            }
            var pts = sample.Pts;
            var timestamp = unchecked((uint)(pts * (VideoClockRate / 1000)));
            var parameterSets = frame.IsKeyframe ? config.ParameterSets : null;
            var payloads = config.Codec == VideoCodecId.H265
                ? H265Packetizer.PacketizeHvcc(sample.Data, config.NalLengthSize, RtpPacketBuilder.DefaultMaxPayloadSize, parameterSets)
                : H264Packetizer.PacketizeAvcc(sample.Data, config.NalLengthSize, RtpPacketBuilder.DefaultMaxPayloadSize, parameterSets);
            return new RtpWireForm(RtpPacketBuilder.Build(payloads, 0, timestamp, 0), timestamp, config);
        }
        var audioTimestamp = unchecked((uint)(sample.Dts * (OpusPacketizer.ClockRate / 1000)));
        return new RtpWireForm(RtpPacketBuilder.Build([OpusPacketizer.Packetize(sample.Data.Span)], 0, audioTimestamp, 0), audioTimestamp, null);
    }
}

/// <summary>
/// What a stream's video sequence header tells an RTP packetizer: the codec, the NAL length size and
/// the parameter sets to send before each IDR. Parsed once per sequence header frame and cached on it.
/// </summary>
public sealed class RtpVideoConfig
{
    private static readonly RtpVideoConfig None = new(VideoCodecId.Unknown, 4, []);

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

    private static RtpVideoConfig Parse(MediaFrame frame)
    {
        var sample = frame.Sample;
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
