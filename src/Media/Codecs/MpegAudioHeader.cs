namespace OrleansLive.Media.Codecs;

/// <summary>The sample rate and channel count from an MPEG-1/2/2.5 audio (MP3) frame header.</summary>
internal static class MpegAudioHeader
{
    private static readonly int[] Mpeg1Rates = [44100, 48000, 32000];

    public static bool TryParse(ReadOnlySpan<byte> frame, out int sampleRate, out int channels)
    {
        sampleRate = channels = 0;
        if (frame.Length < 4 || frame[0] != 0xFF || (frame[1] & 0xE0) != 0xE0)
        {
            return false;
        }
        var version = (frame[1] >> 3) & 0x03; // 3 MPEG-1, 2 MPEG-2, 0 MPEG-2.5
        var rateIndex = (frame[2] >> 2) & 0x03;
        if (version == 1 || rateIndex == 3 || ((frame[1] >> 1) & 0x03) == 0)
        {
            return false;
        }
        sampleRate = Mpeg1Rates[rateIndex] >> (version == 3 ? 0 : version == 2 ? 1 : 2);
        channels = (frame[3] >> 6) == 3 ? 1 : 2;
        return true;
    }
}
