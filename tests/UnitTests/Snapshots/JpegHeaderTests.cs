using OrleansLive.Media.Codecs;

namespace OrleansLive.UnitTests.Snapshots;

public sealed class JpegHeaderTests
{
    /// <summary>SOI, an APP0 segment, a baseline SOF0 of the size, EOI: enough for the header reader.</summary>
    internal static byte[] Minimal(int width, int height, byte sof = 0xC0) =>
    [
        0xFF, 0xD8,
        0xFF, 0xE0, 0, 16, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
        0xFF, 0xC4, 0, 2, // an empty DHT before the frame: not a start of frame
        0xFF, sof, 0, 17, 8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3,
        1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
        0xFF, 0xD9,
    ];

    [Theory]
    [InlineData(0xC0, 640, 360)]
    [InlineData(0xC2, 1920, 1080)]
    public void The_size_comes_from_the_first_start_of_frame(byte sof, int width, int height)
    {
        Assert.True(JpegHeader.TryReadSize(Minimal(width, height, sof), out var w, out var h));
        Assert.Equal((width, height), (w, h));
    }

    [Fact]
    public void Data_that_is_not_a_jpeg_or_ends_before_the_frame_has_no_size()
    {
        var jpeg = Minimal(64, 48);
        Assert.False(JpegHeader.TryReadSize([], out _, out _));
        Assert.False(JpegHeader.TryReadSize([0x89, (byte)'P', (byte)'N', (byte)'G'], out _, out _));
        Assert.False(JpegHeader.TryReadSize(jpeg.AsSpan(0, 30), out _, out _));
        // A segment length that runs past the end.
        Assert.False(JpegHeader.TryReadSize([0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF, 0], out _, out _));
        // Entropy-coded data (SOS) before any frame header.
        Assert.False(JpegHeader.TryReadSize([0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 0xFF, 0xD9], out _, out _));
    }
}
