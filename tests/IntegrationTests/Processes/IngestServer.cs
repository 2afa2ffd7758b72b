using OrleansLive.IntegrationTests.Support;

namespace OrleansLive.IntegrationTests.Processes;

/// <summary>
/// The server with two ingests of the default vhost, a 320x240 H.264 + AAC file generated before the
/// server starts (stream live/ingested), a file that does not exist (live/missing) and a FIFO nobody
/// writes (live/hung, an ffmpeg that hangs), and an exec
/// command on vhost exec.test that writes a marker file while a stream is published and removes it
/// on SIGTERM.
/// </summary>
public sealed class IngestServer : ServerProcess, IAsyncLifetime
{
    public const string ExecVhost = "exec.test";

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("ingest-").FullName;

    public string SourceFile => Path.Combine(Directory, "source.flv");

    public string MarkerOf(string stream) => Path.Combine(Directory, stream + ".marker");

    protected override IEnumerable<string> Settings()
    {
        const string ingest = "--Vhosts:__defaultVhost__:Ingest:";
        var script = Path.Combine(Directory, "marker.sh");
        return [
            $"{ingest}clip:Enabled=true", $"{ingest}clip:Input:Type=file", $"{ingest}clip:Input:Url={SourceFile}", $"{ingest}clip:Stream=ingested",
            $"{ingest}missing:Enabled=true", $"{ingest}missing:Input:Type=file", $"{ingest}missing:Input:Url={Path.Combine(Directory, "no-such-file.flv")}",
            // A FIFO nobody writes: ffmpeg hangs opening it and sends nothing.
            $"{ingest}hung:Enabled=true", $"{ingest}hung:Input:Type=stream", $"{ingest}hung:Input:Url={Path.Combine(Directory, "silent.fifo")}",
            "--Gateway:Ingest:StallSeconds=3",
            $"--Vhosts:{ExecVhost}:Exec:Enabled=true",
            $"--Vhosts:{ExecVhost}:Exec:Publish:0=/bin/sh {script} {Directory} [stream] [app]",
        ];
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(Directory, "marker.sh"), """
            marker="$1/$2.marker"
            echo "$3 $$" > "$marker"
            trap 'rm -f "$marker"; exit 0' TERM
            while :; do sleep 0.2; done
            """);
        await MakeSourceAsync(SourceFile);
        await using (var fifo = ExternalProcess.Start("mkfifo", Path.Combine(Directory, "silent.fifo")))
        {
            if (!await fifo.WaitForExitAsync(Deadline) || fifo.ExitCode != 0)
            {
                throw new InvalidOperationException("mkfifo failed: " + fifo.StdErr);
            }
        }
        await InitializeAsync();
    }

    /// <summary>Writes a 4 s 320x240 H.264 + AAC FLV file with ffmpeg's test sources.</summary>
    public static async Task MakeSourceAsync(string path)
    {
        await using var make = ExternalProcess.Start("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin",
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
            "-t", "4", "-c:v", "libx264", "-preset", "veryfast", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-y", path);
        if (!await make.WaitForExitAsync(Deadline) || make.ExitCode != 0)
        {
            throw new InvalidOperationException("source file not generated: " + make.StdErr);
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
