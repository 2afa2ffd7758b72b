using OrleansLive.Media.Codecs;
using OrleansLive.Media.Samples;

namespace OrleansLive.Media.Containers;

/// <summary>What an elementary stream carries, as a container's stream table (PMT, PSM) declares it.</summary>
/// <param name="Channels">Audio channels when the table states them (Opus in MPEG-TS), else 0.</param>
public readonly record struct ElementaryCodec(MediaKind Kind, VideoCodecId Video, AudioCodecId Audio, int Channels = 0)
{
    public static ElementaryCodec None => new(MediaKind.Script, VideoCodecId.Unknown, AudioCodecId.Unknown);

    public static ElementaryCodec ForVideo(VideoCodecId codec) => new(MediaKind.Video, codec, AudioCodecId.Unknown);

    public static ElementaryCodec ForAudio(AudioCodecId codec, int channels = 0) => new(MediaKind.Audio, VideoCodecId.Unknown, codec, channels);

    public bool IsKnown => Video != VideoCodecId.Unknown || Audio != AudioCodecId.Unknown;
}

/// <summary>
/// One PES payload from an MPEG-TS or MPEG-PS demuxer: usually a video access unit or one or more
/// audio frames, with timestamps in 90 kHz on a continuous 64-bit timeline (33-bit wraps undone).
/// <see cref="Data"/> is only valid during the callback it is passed to: the demuxer reuses it.
/// </summary>
/// <param name="Pid">The TS PID, or for MPEG-PS the PES stream_id.</param>
/// <param name="RandomAccess">The TS random_access_indicator of the PES's first packet (MPEG-PS has none).</param>
/// <param name="Pcr">The PCR base (90 kHz, on the timeline of Pts and Dts) in the adaptation field of the
/// PES's first TS packet, or -1: Dts − Pcr is how long ahead of decoding the sender delivers the frame.</param>
/// <param name="StartPacket">The number (from 0) of the TS packet that began the PES, or -1 (MPEG-PS). Frames
/// come out when their PES ends, and a video PES without a length ends only when the next one starts:
/// ordering by this restores the input's interleaving.</param>
public readonly record struct ElementaryFrame(int Pid, byte StreamType, ElementaryCodec Codec, long Pts, long Dts, bool RandomAccess, ReadOnlyMemory<byte> Data, long Pcr = -1, long StartPacket = -1);
