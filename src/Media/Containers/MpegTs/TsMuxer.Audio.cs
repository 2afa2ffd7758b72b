using System.Buffers;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.Media.Containers.MpegTs;

public sealed partial class TsMuxer
{
    // Packed frames are decoded back to back from the PES PTS, so a gap this large starts a new PES.
    private const long MaxPackGap = 90 * 100;

    private readonly PesBuffer _audioPes = new(8 * 1024);
    private AudioSpecificConfig? _aac;
    private int _audioPending;
    private long _audioPts;
    private long _audioLastPts;

    /// <summary>
    /// Audio frames packed into one PES (default 1). Packing cuts the TS overhead of small AAC
    /// frames; queued frames go out before each video keyframe, on a timestamp gap, or on <see cref="Flush"/>.
    /// </summary>
    public int AudioFramesPerPes { get; init; } = 1;

    /// <summary>Writes audio frames still queued for packing; call before closing a segment.</summary>
    public void Flush(IBufferWriter<byte> output) => FlushAudio(output);

    private void WriteAudio(IBufferWriter<byte> output, uint timestamp, ReadOnlySpan<byte> data)
    {
        if (!FlvSampleInfo.TryParseAudio(data, out var tag) || tag.Codec == AudioCodecId.Unknown)
        {
            return;
        }
        if (tag.Kind == FlvAudioPacketKind.SequenceHeader)
        {
            if (AudioSpecificConfig.TryParse(tag.Body, out var config))
            {
                FlushAudio(output);
                _aac = config;
                SetAudioCodec(AudioCodecId.Aac);
            }
            return;
        }
        if (tag.Kind != FlvAudioPacketKind.RawFrame || tag.Body.IsEmpty)
        {
            return;
        }
        var adts = tag.Codec == AudioCodecId.Aac && !AudioSpecificConfig.HasAdtsHeader(tag.Body);
        if (adts && _aac is null)
        {
            // Without an AudioSpecificConfig there is nothing to build the ADTS header from.
            return;
        }

        var pts = timestamp * 90L;
        if (_audioPending > 0 && (tag.Codec != AudioCodec || pts < _audioLastPts || pts - _audioLastPts > MaxPackGap))
        {
            FlushAudio(output);
        }
        SetAudioCodec(tag.Codec);
        if (_audioPending == 0)
        {
            _audioPes.Clear();
            _audioPts = pts;
        }
        if (adts)
        {
            _aac!.Value.WriteAdtsHeader(_audioPes.Append(AudioSpecificConfig.AdtsHeaderSize), tag.Body.Length);
        }
        _audioPes.Append(tag.Body);
        _audioPending++;
        _audioLastPts = pts;
        if (_audioPending >= AudioFramesPerPes)
        {
            FlushAudio(output);
        }
    }

    private void FlushAudio(IBufferWriter<byte> output)
    {
        if (_audioPending == 0)
        {
            return;
        }
        _audioPending = 0;
        if (_tablesPending)
        {
            WriteTables(output);
        }
        var pes = _audioPes.Finish(AudioStreamId, _audioPts, _audioPts, video: false);
        // Audio carries the PCR only when there is no video PID to do it.
        var pcr = HasVideo ? -1 : NextPcr(_audioPts, force: false);
        WritePesPackets(output, AudioPid, ref _audioCc, pes, randomAccess: false, pcr);
    }
}
