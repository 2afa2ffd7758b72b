using OrleansLive.GatewayEdge.Sessions;

namespace OrleansLive.GatewayEdge.Recording;

/// <summary>
/// The file operations HLS and DVR writers use, so tests can inject failures (a full disk) and a
/// deployment could put recordings elsewhere. Paths arrive resolved below the gateway's
/// <see cref="WorkDirectory"/>.
/// </summary>
public interface IMediaFileSystem
{
    /// <summary>Creates (or truncates) a file for writing, creating its directory first. Readers may
    /// open it meanwhile, and it may be deleted or renamed while open.</summary>
    Stream Create(string path);

    /// <summary>Renames a file, replacing the target if it exists (atomic on one file system).</summary>
    void Move(string from, string to);

    /// <summary>Deletes a file; a missing file is not an error.</summary>
    void Delete(string path);

    bool Exists(string path);
}

/// <summary>The local disk.</summary>
public sealed class PhysicalMediaFileSystem : IMediaFileSystem
{
    public Stream Create(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);
    }

    public void Move(string from, string to) => File.Move(from, to, overwrite: true);

    public void Delete(string path) => File.Delete(path);

    public bool Exists(string path) => File.Exists(path);
}

public static class MediaFileSystemExtensions
{
    /// <summary>Replaces a small file atomically: writes a temporary file beside it, then renames it
    /// over the old one, so readers see the old or the new content, never a part, and a failed write
    /// leaves the old file as it was.</summary>
    public static void WriteAtomically(this IMediaFileSystem files, string path, ReadOnlySpan<byte> content)
    {
        var temp = path + ".tmp";
        try
        {
            using (var stream = files.Create(temp))
            {
                stream.Write(content);
            }
            files.Move(temp, path);
        }
        catch
        {
            TryDelete(files, temp);
            throw;
        }
    }

    /// <summary>Deletes a file, ignoring failures (it is gone, or will be cleaned up later).</summary>
    public static bool TryDelete(this IMediaFileSystem files, string path)
    {
        try
        {
            files.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
