namespace OrleansLive.GatewayEdge.Sessions;

/// <summary>
/// The directory relative HLS and DVR paths resolve against (SRS <c>work_dir</c>): "Gateway:WorkDir",
/// itself relative to the process's working directory, which is also the default. The files a
/// gateway writes and serves, and the <c>cwd</c> of its on_hls / on_dvr events, are below it.
/// </summary>
public sealed class WorkDirectory
{
    /// <param name="configured">"Gateway:WorkDir"; empty for the working directory.</param>
    public WorkDirectory(string? configured)
    {
        Path = System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? Environment.CurrentDirectory : configured);
    }

    public string Path { get; }

    /// <summary>An absolute path stays as it is; a relative one (a path template too) goes below <see cref="Path"/>.</summary>
    public string Resolve(string path) => path.Length == 0 ? Path : System.IO.Path.GetFullPath(path, Path);
}
