using System.Buffers.Binary;
using System.Text;
using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.UnitTests.Mp4;

/// <summary>A tiny ISO BMFF reader for tests: lists boxes and finds them by path like "moov/trak/mdia".</summary>
internal sealed record Box(string Type, int Start, int Size, int HeaderSize)
{
    public int BodyStart => Start + HeaderSize;

    public int End => Start + Size;

    public ReadOnlySpan<byte> Body(byte[] data) => data.AsSpan(BodyStart, Size - HeaderSize);

    /// <summary>Body after the 4-byte version/flags of a full box.</summary>
    public ReadOnlySpan<byte> FullBody(byte[] data) => Body(data)[4..];

    public int Version(byte[] data) => data[BodyStart];

    public int Flags(byte[] data) => (data[BodyStart + 1] << 16) | (data[BodyStart + 2] << 8) | data[BodyStart + 3];
}

internal static class BoxWalker
{
    public static List<Box> Children(byte[] data, int start, int end)
    {
        var boxes = new List<Box>();
        var at = start;
        while (at + 8 <= end)
        {
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at));
            var type = Encoding.ASCII.GetString(data, at + 4, 4);
            Assert.True(size >= 8 && at + size <= end, $"box {type} at {at} has bad size {size}");
            boxes.Add(new Box(type, at, size, 8));
            at += size;
        }
        Assert.Equal(end, at);
        return boxes;
    }

    public static List<Box> Top(byte[] data) => Children(data, 0, data.Length);

    public static List<Box> Children(byte[] data, Box parent) =>
        Children(data, parent.BodyStart + ChildOffset(parent.Type), parent.End);

    /// <summary>Finds all boxes along a slash-separated path, starting at the top level.</summary>
    public static List<Box> FindAll(byte[] data, string path)
    {
        var current = Top(data);
        var parts = path.Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            var matches = current.Where(b => b.Type == parts[i]).ToList();
            if (i == parts.Length - 1)
            {
                return matches;
            }
            current = matches.SelectMany(m => Children(data, m)).ToList();
        }
        return current;
    }

    public static Box Find(byte[] data, string path) => Assert.Single(FindAll(data, path));

    /// <summary>Bytes between a container's header and its first child box.</summary>
    private static int ChildOffset(string type) => type switch
    {
        "stsd" or "dref" => 8, // full box header + entry_count
        "avc1" or "hvc1" => 78, // VisualSampleEntry fields
        "mp4a" => 28, // AudioSampleEntry fields
        _ => 0,
    };
}
