
namespace OrleansLive.Media.Containers.Mp4;

public enum Fmp4Codec : byte
{
    Avc = 1,
    Hevc,
    Aac,
    Mp3,
}
