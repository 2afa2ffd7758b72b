using System.Buffers;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers;
using OrleansLive.Media.Containers.Flv;
using OrleansLive.Media.Containers.Mp4;
using OrleansLive.Media.Containers.MpegTs;
using OrleansLive.Media.Containers.Ps;
using OrleansLive.Media.Rtp;

namespace OrleansLive.UnitTests.Fuzz;

/// <summary>Container and codec targets: FLV tags and what the hub's outputs make of them, TS, PS, parameter sets.</summary>
internal static partial class FuzzTargets
{
    private const int MaxPes = 64 * 1024;

    private static FuzzTarget Flv => new()
    {
        Name = "Flv",
        Summary = "FLV files (ffmpeg H.264/AAC and H.264/MP3, Enhanced RTMP HEVC/AAC, HEVC/Opus and AV1 from our writer): "
            + "FlvReader, then each tag as the hub's outputs take it: MediaFrame and FlvSampleHeaders (legacy and Enhanced "
            + "RTMP headers), codec facts, the TS form (TsMuxer), the RTP form (RtpVideoConfig, packetizers), fMP4 "
            + "init segments and fragments (HLS fMP4, DVR)",
        MaxAllocatedBytes = 8L << 20,
        BoundedInputs = 15_000,
        MinAccepted = 10_000,
        Start = () => (input, _) => RunFlv(input),
    };

    private static FuzzTarget Codecs => new()
    {
        Name = "Codecs",
        Summary = "decoder configurations and parameter sets: avcC/hvcC (VideoDecoderConfig, AvcConfig, HevcConfig), "
            + "H.264/H.265 SPS, av1C, AV1 OBUs and sequence headers, the AV1 RTP packetizer, vpcC, AAC AudioSpecificConfig (AacConfig), ADTS, MP3 headers, OpusHead, "
            + "Annex B and length-prefixed NAL splitting, PES headers, the avcC/hvcC builder",
        MaxAllocatedBytes = 1L << 20,
        BoundedInputs = 150_000,
        MinAccepted = 100_000,
        Start = () => (data, random) =>
        {
            var accepted = VideoDecoderConfig.TryParse(VideoCodecId.H264, data, out _) | VideoDecoderConfig.TryParse(VideoCodecId.H265, data, out _)
                | AvcConfig.TryParse(data, out _) | HevcConfig.TryParse(data, out _) | Av1Config.TryParse(data, out _)
                | VpConfig.TryParse(VideoCodecId.Vp9, data, out _) | AacConfig.TryParse(data, out _) | AudioSpecificConfig.TryParse(data, out _)
                | OpusHead.TryParse(data, out _) | AdtsHeader.TryParse(data, out _) | MpegAudioHeader.TryParse(data, out _, out _)
                | PesHeader.TryParse(data, out _);
            OpusHead.PacketSamples(data);
            Av1Obu.IsKeyframe(data);
            accepted |= Av1SequenceHeader.TryFind(data, out _, out _);
            _ = Av1Config.Build(data);
            var maxPayload = 3 + random.Next(1200);
            var payloads = Av1Packetizer.Packetize(data, keyframe: true, data.AsSpan(0, Math.Min(data.Length, 16)), maxPayload);
            FuzzInvariantException.Check(payloads.TrueForAll(p => p.Length is > 1 && p.Length <= maxPayload), "an AV1 RTP payload outside 2..max bytes");
            ReadOnlySpan<byte> obus = data;
            while (Av1Obu.TryRead(ref obus, out _, out _))
            {
            }
            _ = AudioSpecificConfig.StripAdtsHeader(data);
            foreach (var nal in AnnexB.Split(data))
            {
                accepted |= AvcConfig.TryParseSps(nal, out _) | HevcConfig.TryParseSpsSize(nal, out _, out _);
                _ = NalUnit.IsKeyframe(VideoCodecId.H264, nal) | NalUnit.IsKeyframe(VideoCodecId.H265, nal) | NalUnit.IsDisposable(VideoCodecId.H264, nal);
            }
            var lengthSize = random.Next(3) switch { 0 => 1, 1 => 2, _ => 4 };
            ReadOnlySpan<byte> prefixed = data;
            while (AnnexB.TryReadLengthPrefixed(ref prefixed, lengthSize, out _))
            {
            }
            _ = LengthPrefixedNals.Split(VideoCodecId.H264, data, lengthSize, null);
            DecoderRecordBuilder.BuildAvc([data], [data]);
            DecoderRecordBuilder.BuildHevc([data], [data], [data]);
            return accepted;
        },
    };

    private static FuzzTarget TsDemuxer => new()
    {
        Name = "TsDemuxer",
        Summary = "MPEG-TS (ffmpeg H.264/AAC, HEVC, Opus) as SRT and MPEG-TS over UDP ingest read it: TsDemuxer (resync, "
            + "PAT/PMT sections, PES reassembly under a cap) and ElementarySampleConverter (AVCC/hvcC from in-band "
            + "parameter sets, ADTS to AudioSpecificConfig, Opus control headers)",
        MaxAllocatedBytes = 4L << 20,
        BoundedInputs = 30_000,
        MinAccepted = 20_000,
        Start = () => (data, random) =>
        {
            var samples = 0;
            var converter = new ElementarySampleConverter(_ => samples++);
            var demuxer = new Media.Containers.MpegTs.TsDemuxer(f => converter.Write(f)) { MaxPesSize = MaxPes };
            Feed(random, data, demuxer.Push);
            FuzzInvariantException.Check(demuxer.BufferedBytes <= (Media.Containers.MpegTs.TsDemuxer.MaxStreams * (long)MaxPes) + 400, $"TS demuxer holds {demuxer.BufferedBytes} bytes, over its caps");
            demuxer.Flush();
            return samples > 0;
        },
    };

    private static FuzzTarget PsDemuxer => new()
    {
        Name = "PsDemuxer",
        Summary = "MPEG-PS (an ffmpeg VOB, H.264/MP2) as a PS ingest would read it (the library has no caller in the server yet): PsDemuxer (pack and system "
            + "headers, PSM, PES under a cap) and ElementarySampleConverter",
        MaxAllocatedBytes = 8L << 20,
        BoundedInputs = 15_000,
        MinAccepted = 10_000,
        Start = () => (data, random) =>
        {
            var samples = 0;
            var converter = new ElementarySampleConverter(_ => samples++);
            var demuxer = new Media.Containers.Ps.PsDemuxer(f => converter.Write(f)) { MaxFrameSize = MaxPes };
            Feed(random, data, demuxer.Push);
            // Input held up to one PES, plus at most the cap for each of the 48 audio/video stream ids.
            FuzzInvariantException.Check(demuxer.BufferedBytes <= 65_541 + (48L * MaxPes), $"PS demuxer holds {demuxer.BufferedBytes} bytes, over its caps");
            demuxer.Flush();
            return samples > 0;
        },
    };

    /// <summary>Pushes <paramref name="data"/> in random pieces, as datagrams and TCP reads arrive.</summary>
    private static void Feed(Random random, byte[] data, Action<ReadOnlySpan<byte>> push)
    {
        for (var at = 0; at < data.Length;)
        {
            var take = Math.Min(random.Next(1, 2000), data.Length - at);
            push(data.AsSpan(at, take));
            at += take;
        }
    }

    private static bool RunFlv(byte[] input)
    {
        ReadOnlySpan<byte> data = input;
        if (!FlvReader.TryReadFileHeader(ref data, out _, out _))
        {
            return false;
        }
        var tsMuxer = new TsMuxer();
        var output = new ArrayBufferWriter<byte>();
        Fmp4TrackConfig? video = null, audio = null;
        Fmp4FragmentWriter? fragments = null;
        RtpVideoConfig? rtp = null;
        var tags = 0;
        while (FlvReader.TryReadTag(ref data, out var tag))
        {
            tags++;
            if (tag.Type is not (FlvSampleHeaders.AudioTag or FlvSampleHeaders.VideoTag or FlvSampleHeaders.ScriptTag))
            {
                continue;
            }
            var frame = MediaFrame.Copy(tag.Type, tag.Timestamp, tag.Data);
            try
            {
                var sample = frame.Sample;
                _ = frame.IsVideo ? VideoCodecInfo.TryParse(frame.Payload.Span, out _) : AudioCodecInfo.TryParse(frame.Payload.Span, out _);
                output.ResetWrittenCount();
                if (frame.IsAudio || frame.IsVideo)
                {
                    // The TS form (HTTP-TS, SRT, HLS TS segments).
                    if (frame.IsAudio && !tsMuxer.HasVideo)
                    {
                        tsMuxer.WriteTables(output);
                    }
                    tsMuxer.Write(output, sample);
                }
                if (frame.IsVideo)
                {
                    // The RTP form (WHEP players), as RtcPlayer picks its configuration.
                    if (frame.IsSequenceHeader)
                    {
                        rtp = RtpVideoConfig.Of(frame);
                        if (Fmp4TrackConfig.TryFromVideo(sample, out var track))
                        {
                            video = track;
                            _ = track.CodecString;
                            fragments = new Fmp4FragmentWriter(video, audio);
                            Fmp4Writer.WriteInitSegment(output, video, audio);
                        }
                    }
                    else
                    {
                        var config = rtp ?? RtpVideoConfig.Plain(frame.Header.VideoCodec);
                        var form = RtpWireForm.Of(frame, config);
                        FuzzInvariantException.Check(form.Packets.All(p => p.Length <= RtpPacketBuilder.DefaultMaxPayloadSize + 12), "an RTP packet over the payload size");
                    }
                }
                else if (frame.IsAudio)
                {
                    if (frame.Header.AudioCodec == AudioCodecId.Opus && frame.Header.Part == Media.Samples.SamplePart.Frame)
                    {
                        RtpWireForm.Of(frame, null);
                    }
                    if ((frame.IsSequenceHeader || audio is null) && Fmp4TrackConfig.TryFromAudio(sample, out var track))
                    {
                        audio = track;
                        _ = track.CodecString;
                        fragments = new Fmp4FragmentWriter(video, audio);
                        Fmp4Writer.WriteInitSegment(output, video, audio);
                    }
                }
                fragments?.Add(sample);
                if (frame.IsKeyframe || fragments?.PendingSamples > 50)
                {
                    fragments?.WriteFragment(output);
                }
            }
            finally
            {
                frame.Release();
            }
        }
        fragments?.WriteFragment(output);
        return tags > 0;
    }
}
