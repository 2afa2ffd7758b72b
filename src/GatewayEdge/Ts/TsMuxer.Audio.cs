using System.Buffers;

namespace OrleansLive.GatewayEdge.Ts;

public sealed partial class TsMuxer
{
    private AudioSpecificConfig? _aac;

    private void WriteAudio(IBufferWriter<byte> output, uint timestamp, ReadOnlySpan<byte> data)
    {
        if (!FlvSampleInfo.TryParseAudio(data, out var tag) || tag.Codec == FlvAudioCodec.Unknown)
        {
            return;
        }
        if (tag.Kind == FlvAudioPacketKind.SequenceHeader)
        {
            if (AudioSpecificConfig.TryParse(tag.Body, out var config))
            {
                _aac = config;
                SetAudioCodec(FlvAudioCodec.Aac);
            }
            return;
        }
        if (tag.Kind != FlvAudioPacketKind.RawFrame || tag.Body.IsEmpty)
        {
            return;
        }

        BeginPes();
        if (tag.Codec == FlvAudioCodec.Aac && !IsAdts(tag.Body))
        {
            // Without an AudioSpecificConfig there is nothing to build the ADTS header from.
            if (_aac is not { } aac)
            {
                return;
            }
            aac.WriteAdtsHeader(AppendPes(AudioSpecificConfig.AdtsHeaderSize), tag.Body.Length);
        }
        AppendPes(tag.Body);
        SetAudioCodec(tag.Codec);

        if (_tablesPending)
        {
            WriteTables(output);
        }
        var pts = timestamp * 90L;
        var pes = FinishPes(AudioStreamId, pts, pts);
        // Audio carries the PCR only when there is no video PID to do it.
        var pcr = HasVideo ? -1 : NextPcr(pts, force: false);
        WritePesPackets(output, AudioPid, ref _audioCc, pes, randomAccess: false, pcr);
    }

    /// <summary>Some publishers send AAC frames that already carry an ADTS header; pass those through.</summary>
    private static bool IsAdts(ReadOnlySpan<byte> frame) => frame.Length >= 7 && frame[0] == 0xFF && (frame[1] & 0xF6) == 0xF0;
}
