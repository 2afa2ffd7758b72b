using System.Buffers;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Media.Containers.MpegTs;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>
/// The one MPEG-TS muxer of a stream on this gateway. The hub runs it over every frame, in publish
/// order and under its lock, while any player reads the TS form, so HTTP-TS and SRT players cost one
/// mux per stream instead of one per player. Players join at keyframes, where the muxer writes PAT
/// and PMT; streams without video get the tables once a second.
/// </summary>
internal sealed class StreamTsMux
{
    private static readonly TsWireForm Empty = new(ReadOnlyMemory<byte>.Empty);

    private readonly TsMuxer _muxer = new();
    private readonly ArrayBufferWriter<byte> _out = new(16 * 1024);
    private long _lastTables = long.MinValue;

    public void Build(MediaFrame frame)
    {
        if (!frame.IsAudio && !frame.IsVideo)
        {
            frame.SetTsForm(Empty);
            return;
        }
        _out.ResetWrittenCount();
        var sample = frame.Sample;
        if (frame.IsAudio && !_muxer.HasVideo && !frame.IsSequenceHeader
            && (sample.Dts - _lastTables >= 1000 || sample.Dts < _lastTables))
        {
            _muxer.WriteTables(_out);
            _lastTables = sample.Dts;
        }
        _muxer.Write(_out, sample);
        frame.SetTsForm(_out.WrittenCount == 0 ? Empty : new TsWireForm(_out.WrittenSpan.ToArray()));
    }
}
