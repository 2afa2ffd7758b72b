
namespace OrleansLive.Media.Containers.MpegTs;

/// <summary>PMT stream_type values (ISO/IEC 13818-1 table 2-34) the muxer writes.</summary>
public static class TsStreamTypes
{
    public const byte Mp3 = 0x03;
    public const byte Aac = 0x0F;
    public const byte H264 = 0x1B;
    public const byte Hevc = 0x24;
}
