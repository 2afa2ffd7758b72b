using System.Collections.Concurrent;
using OrleansLive.GatewayEdge.Recording;

namespace OrleansLive.UnitTests.Recording;

/// <summary>
/// Files in memory, visible while being written like on a real disk. <see cref="Full"/> makes
/// every create and write fail the way a full disk does; renames and deletes still work.
/// </summary>
internal sealed class MemoryFileSystem : IMediaFileSystem
{
    public ConcurrentDictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    public bool Full { get; set; }

    public int FailedWrites { get; private set; }

    public Stream Create(string path)
    {
        ThrowIfFull();
        Files[path] = [];
        return new MemoryFile(this, path);
    }

    public void Move(string from, string to)
    {
        if (!Files.TryRemove(from, out var content))
        {
            throw new FileNotFoundException("No such file", from);
        }
        Files[to] = content;
    }

    public void Delete(string path) => Files.TryRemove(path, out _);

    public bool Exists(string path) => Files.ContainsKey(path);

    public byte[] Read(string path) => Files[path];

    public string Text(string path) => System.Text.Encoding.UTF8.GetString(Files[path]);

    public IEnumerable<string> Named(string suffix) => Files.Keys.Where(k => k.EndsWith(suffix, StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    private void ThrowIfFull()
    {
        if (Full)
        {
            FailedWrites++;
            throw new IOException("No space left on device");
        }
    }

    private sealed class MemoryFile(MemoryFileSystem owner, string path) : WriteOnlyStreamWrapper(new MemoryStream())
    {
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            owner.ThrowIfFull();
            Inner.Write(buffer);
            if (owner.Files.ContainsKey(path))
            {
                owner.Files[path] = ((MemoryStream)Inner).ToArray();
            }
        }
    }
}
