using System.Buffers;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Samples;

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

    private void WriteAudio(IBufferWriter<byte> output, in MediaSample sample)
    {
        var codec = sample.Header.AudioCodec;
        if (codec is not (AudioCodecId.Aac or AudioCodecId.Mp3))
        {
            return;
        }
        var body = sample.Data.Span;
        if (sample.Header.IsConfig)
        {
            if (codec == AudioCodecId.Aac && AudioSpecificConfig.TryParse(body, out var config))
            {
                FlushAudio(output);
                _aac = config;
                SetAudioCodec(AudioCodecId.Aac);
            }
            return;
        }
        if (sample.Header.Part != SamplePart.Frame || body.IsEmpty)
        {
            return;
        }
        var adts = codec == AudioCodecId.Aac && !AudioSpecificConfig.HasAdtsHeader(body);
        if (adts && _aac is null)
        {
            // Without an AudioSpecificConfig there is nothing to build the ADTS header from.
            return;
        }

        var pts = sample.Dts * 90L;
        if (_audioPending > 0 && (codec != AudioCodec || pts < _audioLastPts || pts - _audioLastPts > MaxPackGap))
        {
            FlushAudio(output);
        }
        SetAudioCodec(codec);
        if (_audioPending == 0)
        {
            _audioPes.Clear();
            _audioPts = pts;
        }
        if (adts)
        {
            _aac!.Value.WriteAdtsHeader(_audioPes.Append(AudioSpecificConfig.AdtsHeaderSize), body.Length);
        }
        _audioPes.Append(body);
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
