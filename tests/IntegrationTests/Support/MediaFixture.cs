using Microsoft.Extensions.DependencyInjection;
using OrleansLive.GatewayEdge.Protocols.Rtmp;
using OrleansLive.GatewayEdge.Recording;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Interfaces;

namespace OrleansLive.IntegrationTests.Support;

/// <summary>
/// The server with HLS and DVR configured into a temporary directory, one vhost per case (publishers
/// pick one with `?vhost=`): the default vhost writes HLS in MPEG-TS with 2 s fragments,
/// <see cref="Fmp4Vhost"/> HLS in fMP4, <see cref="FlvVhost"/> and <see cref="Mp4Vhost"/> record
/// whole sessions, <see cref="SegmentVhost"/> records 4 s segments, <see cref="RemuxVhost"/> disposes
/// its HLS 2 s after the stream ends, and <see cref="FullVhost"/> writes where
/// <see cref="FileSystem"/> can be made to fail like a full disk. <see cref="DashVhost"/> writes
/// MPEG-DASH with 2 s fragments and a 6 s timeshift window; <see cref="SnapshotVhost"/> takes a
/// 320 pixel wide JPEG snapshot every second.
/// </summary>
public sealed class MediaFixture : ServerFixture
{
    public const string Fmp4Vhost = "fmp4.test";
    public const string FlvVhost = "dvrflv.test";
    public const string Mp4Vhost = "dvrmp4.test";
    public const string SegmentVhost = "dvrseg.test";
    public const string RemuxVhost = "remux.test";
    public const string FullVhost = "full.test";
    public const string DashVhost = "dash.test";
    public const string SnapshotVhost = "snap.test";

    public MediaFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "orleanslive-media-" + Ids.Random(8));
        Directory.CreateDirectory(Root);
        FileSystem = new FaultyFileSystem(Path.Combine(Root, "full"));
    }

    /// <summary>The temporary directory every file of this fixture goes to.</summary>
    public string Root { get; }

    public FaultyFileSystem FileSystem { get; }

    public string HlsRoot(string vhost) => Path.Combine(Root, vhost == StreamKey.DefaultVhost ? "hls" : vhost == FullVhost ? "full" : vhost);

    public string DashRoot => Path.Combine(Root, "dash");

    public string DvrRoot(string vhost) => Path.Combine(Root, vhost == FullVhost ? "full" : "dvr");

    public string HttpUrl(string path, string? vhost = null) =>
        $"http://127.0.0.1:{HttpPort}/{path.TrimStart('/')}" + (vhost is null ? "" : $"?vhost={vhost}");

    public string RtmpUrl(string app, string stream, string vhost) => RtmpUrl(app, stream) + $"?vhost={vhost}";

    protected override void AddSettings(Dictionary<string, string?> settings)
    {
        void Hls(string vhost, double fragment = 2, double dispose = 0, bool fmp4 = false)
        {
            var prefix = $"Vhosts:{vhost}:Hls:";
            settings[prefix + "Enabled"] = "true";
            settings[prefix + "Fragment"] = fragment.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings[prefix + "Path"] = HlsRoot(vhost);
            settings[prefix + "Dispose"] = dispose.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings[prefix + "Fmp4"] = fmp4 ? "true" : "false";
        }

        void Dvr(string vhost, string extension, string plan = DvrPlans.Session, double duration = 30)
        {
            var prefix = $"Vhosts:{vhost}:Dvr:";
            settings[prefix + "Enabled"] = "true";
            settings[prefix + "Plan"] = plan;
            settings[prefix + "Duration"] = duration.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings[prefix + "Path"] = Path.Combine(DvrRoot(vhost), "[vhost]", "[app]", "[stream].[timestamp]" + extension);
        }

        Hls(StreamKey.DefaultVhost);
        // The SRS default update period (150 s): the MPD still asks players to re-read it once a fragment.
        settings[$"Vhosts:{DashVhost}:Dash:Enabled"] = "true";
        settings[$"Vhosts:{DashVhost}:Dash:Fragment"] = "2";
        settings[$"Vhosts:{DashVhost}:Dash:Timeshift"] = "6";
        settings[$"Vhosts:{DashVhost}:Dash:Dispose"] = "0";
        settings[$"Vhosts:{DashVhost}:Dash:Path"] = DashRoot;
        settings[$"Vhosts:{SnapshotVhost}:Snapshot:Enabled"] = "true";
        settings[$"Vhosts:{SnapshotVhost}:Snapshot:IntervalSeconds"] = "1";
        settings[$"Vhosts:{SnapshotVhost}:Snapshot:Width"] = "320";
        Hls(Fmp4Vhost, fmp4: true);
        Dvr(FlvVhost, ".flv");
        Dvr(Mp4Vhost, ".mp4");
        Dvr(SegmentVhost, ".flv", DvrPlans.Segment, 4);
        Hls(RemuxVhost, fragment: 1, dispose: 2);
        Hls(FullVhost);
        Dvr(FullVhost, ".flv");
        settings["Gateway:StreamCasters:0:Enabled"] = "true";
        settings["Gateway:StreamCasters:0:Listen"] = "0";
        settings["Gateway:StreamCasters:0:Output"] = $"rtmp://127.0.0.1/live/{UdpCastStream}";
        settings["Gateway:StreamCasters:0:IdleTimeoutMs"] = "2000";
    }

    /// <summary>The stream the MPEG-TS over UDP caster publishes.</summary>
    public const string UdpCastStream = "udpcast";

    /// <summary>The caster's UDP port.</summary>
    public int UdpCastPort => Services.GetRequiredService<GatewayEdge.Protocols.MpegTsUdp.MpegTsUdpCaster>().Ports[0];

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<IMediaFileSystem>(FileSystem);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a dying process; the temp directory is cleaned eventually.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class MediaCollection : ICollectionFixture<MediaFixture>
{
    public const string Name = "media";
}

/// <summary>The local disk, except that writes below one directory fail like a full disk while <see cref="Full"/> is set.</summary>
public sealed class FaultyFileSystem(string failingRoot) : IMediaFileSystem
{
    private readonly PhysicalMediaFileSystem _disk = new();
    private readonly string _root = Path.GetFullPath(failingRoot) + Path.DirectorySeparatorChar;

    public volatile bool Full;

    public Stream Create(string path)
    {
        var full = Affected(path);
        ThrowIfFull(full);
        return full ? new FailingStream(_disk.Create(path), this) : _disk.Create(path);
    }

    public void Move(string from, string to) => _disk.Move(from, to);

    public void Delete(string path) => _disk.Delete(path);

    public bool Exists(string path) => _disk.Exists(path);

    private bool Affected(string path) => Path.GetFullPath(path).StartsWith(_root, StringComparison.Ordinal);

    private void ThrowIfFull(bool affected)
    {
        if (affected && Full)
        {
            throw new IOException("No space left on device");
        }
    }

    private sealed class FailingStream(Stream inner, FaultyFileSystem owner) : WriteOnlyStreamWrapper(inner)
    {
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            owner.ThrowIfFull(true);
            Inner.Write(buffer);
        }
    }
}
