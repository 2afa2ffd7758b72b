
namespace OrleansLive.Media.Containers.Flv;

/// <summary>FLV container constants (Adobe FLV specification, annex E).</summary>
public static class FlvConstants
{
    public const byte TagAudio = 8;
    public const byte TagVideo = 9;
    public const byte TagScript = 18;

    /// <summary>Type(1) DataSize(3) Timestamp(3) TimestampExtended(1) StreamID(3).</summary>
    public const int TagHeaderSize = 11;

    /// <summary>The size of the previous tag, written after every tag.</summary>
    public const int PreviousTagSizeSize = 4;

    /// <summary>"FLV", version, flags, header size.</summary>
    public const int FileHeaderSize = 9;
}
