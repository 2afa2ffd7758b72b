using System.Buffers;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.GatewayEdge.Streams;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Amf;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.LoadTool;

/// <summary>One message to publish. <see cref="Stampable"/>: an AVC frame whose payload starts with a
/// <see cref="LatencyStamp"/> SEI to fill in just before sending.</summary>
public readonly record struct SourceFrame(byte Type, uint Timestamp, byte[] Payload, bool Stampable);

/// <summary>An endless stream of frames with increasing timestamps (milliseconds).</summary>
public interface IFrameSource
{
    /// <summary>Metadata and sequence headers, sent once before the first frame.</summary>
    IReadOnlyList<SourceFrame> Headers { get; }

    SourceFrame Next();
}

/// <summary>
/// H.264 + AAC shaped like an encoder's output at a given bitrate without running an encoder: a real
/// 640x360 High-profile SPS/PPS, 25 fps with a keyframe every GOP (keyframes 8x an interframe) filled
/// to the right sizes, and one real 64 kbit/s 44.1 kHz AAC frame repeated. Each publisher needs its own instance
/// (payload templates are stamped in place).
/// </summary>
public sealed class SyntheticSource : IFrameSource
{
    public const int FramesPerSecond = 25;
    private const int KeyframeWeight = 8;
    private const double AudioFramesPerSecond = 44100.0 / 1024;

    // x264 640x360 High profile level 3.0 parameter sets.
    private static readonly byte[] Sps = Convert.FromHexString("6764001eacd940a02ff97011000003000100000300320f162d96");
    private static readonly byte[] Pps = Convert.FromHexString("68ef8fcb");

    // One 64 kbit/s AAC-LC frame (44.1 kHz stereo, a 440 Hz tone) as ffmpeg's encoder made it.
    private static readonly byte[] AacFrame = Convert.FromHexString(
        "21194ffffffa801c2cf054339185a160e8543a954fd3ffdbc7fe7fe273c5ec979d77c447fd2b2ea900b6a95a5b32f06c8a8ec1c8f3fd72402ad7470bea" +
        "72f91ab910e0c2843225c10ddf16ed41795d30317684c7fbd935f3c565c5a70c37d5fbbc62752c89122d7418cf39926b9ed5616420854f74b6d8c7d99" +
        "aecbe5d0e038d08874221d4aa7e9ffede3ff3ff139e2f64bcebbe223fe959754800000000000000001c");

    private readonly byte[] _keyframe;
    private readonly byte[] _interframe;
    private readonly byte[] _audio;
    private readonly int _gopFrames;
    private long _videoIndex;
    private long _audioIndex;

    public SyntheticSource(long bitsPerSecond, double gopSeconds = 2)
    {
        _gopFrames = Math.Max(1, (int)Math.Round(gopSeconds * FramesPerSecond));
        const long audioBits = 64_000;
        var videoBytesPerGop = (bitsPerSecond - audioBits) / 8.0 * _gopFrames / FramesPerSecond;
        var interSize = Math.Max(64, (int)(videoBytesPerGop / (KeyframeWeight + _gopFrames - 1)));
        var keySize = _gopFrames == 1 ? (int)videoBytesPerGop : interSize * KeyframeWeight;
        _keyframe = VideoFrame(keySize, key: true);
        _interframe = VideoFrame(interSize, key: false);
        // One real AAC frame, repeated: players and the server's AAC-to-Opus bridge decode it as sound.
        _audio = [0xAF, 1, .. AacFrame]; // AAC, 44 kHz, 16-bit, stereo; raw frame

        var avcConfig = new byte[5 + 6 + 2 + Sps.Length + 1 + 2 + Pps.Length];
        avcConfig[0] = 0x17;
        var record = avcConfig.AsSpan(5);
        record[0] = 1;
        record[1] = Sps[1];
        record[2] = Sps[2];
        record[3] = Sps[3];
        record[4] = 0xFF; // 4-byte NAL lengths
        record[5] = 0xE1; // one SPS
        record[6] = 0;
        record[7] = (byte)Sps.Length;
        Sps.CopyTo(record[8..]);
        record[8 + Sps.Length] = 1; // one PPS
        record[9 + Sps.Length] = 0;
        record[10 + Sps.Length] = (byte)Pps.Length;
        Pps.CopyTo(record[(11 + Sps.Length)..]);
        byte[] aacConfig = [0xAF, 0, 0x12, 0x10]; // AAC LC, 44.1 kHz, stereo

        Headers =
        [
            new SourceFrame(FrameTypes.Script, 0, MetaData(bitsPerSecond), false),
            new SourceFrame(FrameTypes.Video, 0, avcConfig, false),
            new SourceFrame(FrameTypes.Audio, 0, aacConfig, false),
        ];
    }

    public IReadOnlyList<SourceFrame> Headers { get; }

    public int KeyframeBytes => _keyframe.Length;

    public int InterframeBytes => _interframe.Length;

    public int AudioFrameBytes => _audio.Length;

    public SourceFrame Next()
    {
        var videoTime = _videoIndex * 1000.0 / FramesPerSecond;
        var audioTime = _audioIndex * 1000.0 / AudioFramesPerSecond;
        if (videoTime <= audioTime)
        {
            var key = _videoIndex % _gopFrames == 0;
            _videoIndex++;
            return new SourceFrame(FrameTypes.Video, (uint)Math.Round(videoTime), key ? _keyframe : _interframe, true);
        }
        _audioIndex++;
        return new SourceFrame(FrameTypes.Audio, (uint)Math.Round(audioTime), _audio, false);
    }

    private static byte[] VideoFrame(int size, bool key)
    {
        size = Math.Max(size, LatencyStamp.PrefixBytes + 8);
        var payload = new byte[size];
        payload[0] = (byte)(key ? 0x17 : 0x27);
        payload[1] = 1; // AVC NALU
        LatencyStamp.WriteSei(payload.AsSpan(LatencyStamp.VideoHeaderSize));
        var nal = payload.AsSpan(LatencyStamp.PrefixBytes);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(nal, nal.Length - 4);
        nal[4] = (byte)(key ? 0x65 : 0x41); // IDR slice / non-IDR slice
        Fill(payload, LatencyStamp.PrefixBytes + 5, seed: key ? 1 : 2);
        return payload;
    }

    /// <summary>Pseudo-random filler without zero bytes, so no start-code look-alikes appear.</summary>
    private static void Fill(byte[] buffer, int from, int seed)
    {
        var random = new Random(seed);
        for (var i = from; i < buffer.Length; i++)
        {
            buffer[i] = (byte)random.Next(1, 256);
        }
    }

    private static byte[] MetaData(long bitsPerSecond)
    {
        var output = new ArrayBufferWriter<byte>(256);
        var meta = new Media.Containers.Amf.AmfObject
        {
            { "width", 640.0 },
            { "height", 360.0 },
            { "framerate", (double)FramesPerSecond },
            { "videocodecid", 7.0 },
            { "audiocodecid", 10.0 },
            { "videodatarate", bitsPerSecond / 1000.0 },
            { "encoder", "OrleansLive.LoadTool" },
        };
        RtmpDataMessage.Write(output, RtmpDataMessage.SetDataFrame, RtmpDataMessage.OnMetaData, meta);
        return output.WrittenSpan.ToArray();
    }
}

/// <summary>
/// Tags of an FLV file (e.g. made by ffmpeg), played in a loop with continuing timestamps. AVC frames
/// get a <see cref="LatencyStamp"/> SEI inserted in front of their NAL units.
/// </summary>
public sealed class FlvFileSource : IFrameSource
{
    private readonly List<SourceFrame> _frames = [];
    private readonly uint _loopLength;
    private int _index;
    private uint _offset;

    public FlvFileSource(string path)
    {
        ReadOnlySpan<byte> data = File.ReadAllBytes(path);
        if (!FlvReader.TryReadFileHeader(ref data, out _, out _))
        {
            throw new InvalidDataException($"{path} is not an FLV file");
        }
        var headers = new List<SourceFrame>();
        uint first = uint.MaxValue, last = 0;
        while (FlvReader.TryReadTag(ref data, out var tag))
        {
            var payload = tag.Data;
            var isHeader = tag.Type == FrameTypes.Script
                || (tag.Type == FrameTypes.Video && payload.Length > 1 && payload[1] == 0 && (payload[0] & 0x0F) == 7)
                || (tag.Type == FrameTypes.Audio && payload.Length > 1 && payload[1] == 0 && (payload[0] >> 4) == 10);
            if (isHeader)
            {
                if (tag.Type == FrameTypes.Script)
                {
                    var output = new ArrayBufferWriter<byte>(payload.Length + 16);
                    Amf0Writer.WriteString(output, RtmpDataMessage.SetDataFrame);
                    output.Write(payload);
                    payload = output.WrittenSpan.ToArray();
                }
                if (headers.All(h => h.Type != tag.Type))
                {
                    headers.Add(new SourceFrame(tag.Type, 0, payload, false));
                }
                continue;
            }
            if (tag.Type is not (FrameTypes.Video or FrameTypes.Audio))
            {
                continue;
            }
            var stampable = tag.Type == FrameTypes.Video && payload.Length >= LatencyStamp.VideoHeaderSize && (payload[0] & 0x0F) == 7 && payload[1] == 1;
            if (stampable)
            {
                var stamped = new byte[payload.Length + LatencyStamp.Size];
                payload.AsSpan(0, LatencyStamp.VideoHeaderSize).CopyTo(stamped);
                LatencyStamp.WriteSei(stamped.AsSpan(LatencyStamp.VideoHeaderSize));
                payload.AsSpan(LatencyStamp.VideoHeaderSize).CopyTo(stamped.AsSpan(LatencyStamp.PrefixBytes));
                payload = stamped;
            }
            first = Math.Min(first, tag.Timestamp);
            last = Math.Max(last, tag.Timestamp);
            _frames.Add(new SourceFrame(tag.Type, tag.Timestamp, payload, stampable));
        }
        if (_frames.Count == 0)
        {
            throw new InvalidDataException($"{path} has no audio or video frames");
        }
        for (var i = 0; i < _frames.Count; i++)
        {
            _frames[i] = _frames[i] with { Timestamp = _frames[i].Timestamp - first };
        }
        _loopLength = last - first + 40;
        Headers = headers;
    }

    public IReadOnlyList<SourceFrame> Headers { get; }

    public SourceFrame Next()
    {
        if (_index == _frames.Count)
        {
            _index = 0;
            _offset += _loopLength;
        }
        var frame = _frames[_index++];
        return frame with { Timestamp = frame.Timestamp + _offset };
    }
}
