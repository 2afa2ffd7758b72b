using System.Buffers;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Samples;

namespace OrleansLive.Media.Containers.MpegTs;

public sealed partial class TsMuxer
{
    private static ReadOnlySpan<byte> AvcAud => [0, 0, 0, 1, 0x09, 0xF0];

    private static ReadOnlySpan<byte> HevcAud => [0, 0, 0, 1, 0x46, 0x01, 0x50];

    private static ReadOnlySpan<byte> StartCode => [0, 0, 0, 1];

    private VideoDecoderConfig? _videoConfig;

    private void WriteVideo(IBufferWriter<byte> output, in MediaSample sample)
    {
        var header = sample.Header;
        var codec = header.VideoCodec;
        if (codec is not (VideoCodecId.H264 or VideoCodecId.H265))
        {
            return;
        }
        var body = sample.Data.Span;
        if (header.IsConfig)
        {
            if (VideoDecoderConfig.TryParse(codec, body, out var parsed))
            {
                _videoConfig = parsed;
                SetVideoCodec(codec);
            }
            return;
        }
        if (header.Part != SamplePart.Frame || body.IsEmpty)
        {
            return;
        }
        SetVideoCodec(codec);
        var config = _videoConfig?.Codec == codec ? _videoConfig : null;
        var lengthSize = config?.NalLengthSize ?? 4;
        var hevc = codec == VideoCodecId.H265;
        var keyframe = header.Keyframe;

        _videoPes.Clear();
        _videoPes.Append(hevc ? HevcAud : AvcAud);
        if (keyframe && config is not null && !ContainsSps(body, lengthSize, hevc))
        {
            _videoPes.Append(config.ParameterSetsAnnexB);
        }
        if (!AppendAnnexB(body, lengthSize, hevc))
        {
            return;
        }

        if (keyframe)
        {
            // Audio queued for packing belongs before the random access point.
            FlushAudio(output);
        }
        // A segmenter that just called WriteTables for this keyframe does not get them twice.
        if ((keyframe && !_tablesFresh) || _tablesPending)
        {
            WriteTables(output);
        }
        var dts = sample.Dts * 90L;
        var pts = dts + (header.CompositionTime * 90L);
        var pes = _videoPes.Finish(VideoStreamId, pts, dts, video: true);
        WritePesPackets(output, VideoPid, ref _videoCc, pes, keyframe, NextPcr(dts, keyframe));
    }

    /// <summary>Copies length-prefixed NAL units behind start codes, dropping access unit delimiters.</summary>
    private bool AppendAnnexB(ReadOnlySpan<byte> body, int lengthSize, bool hevc)
    {
        var written = 0;
        while (TryNextNal(ref body, lengthSize, out var nal))
        {
            if (NalType(nal, hevc) == (hevc ? 35 : 9))
            {
                continue;
            }
            var dest = _videoPes.Append(StartCode.Length + nal.Length);
            StartCode.CopyTo(dest);
            nal.CopyTo(dest[StartCode.Length..]);
            written++;
        }
        return written > 0;
    }

    private static bool ContainsSps(ReadOnlySpan<byte> body, int lengthSize, bool hevc)
    {
        while (TryNextNal(ref body, lengthSize, out var nal))
        {
            if (NalType(nal, hevc) == (hevc ? 33 : 7))
            {
                return true;
            }
        }
        return false;
    }

    private static int NalType(ReadOnlySpan<byte> nal, bool hevc) => NalUnit.Type(hevc ? VideoCodecId.H265 : VideoCodecId.H264, nal);

    private static bool TryNextNal(ref ReadOnlySpan<byte> body, int lengthSize, out ReadOnlySpan<byte> nal) =>
        AnnexB.TryReadLengthPrefixed(ref body, lengthSize, out nal);
}
