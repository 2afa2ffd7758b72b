using System.Reflection;
using OrleansLive.GatewayEdge;
using OrleansLive.GatewayEdge.Sessions;
using OrleansLive.Media.Samples;

namespace OrleansLive.UnitTests.Architecture;

/// <summary>
/// The dependency rules of docs/ARCHITECTURE.md, read from the compiled assemblies:
/// Media ← Streams ← Sessions ← Protocols / Recording / Forward / Cluster ← host, the format library
/// pure, and protocol adapters that reach the grains only through the session service.
/// </summary>
public sealed class LayeringTests
{
    private static readonly Assembly MediaAssembly = typeof(MediaSample).Assembly;
    private static readonly Assembly GatewayAssembly = typeof(GatewayOptions).Assembly;

    private static IEnumerable<Type> TypesIn(Assembly assembly, string ns) =>
        assembly.GetTypes().Where(t => t.DeclaringType is null && t.Namespace is { } n && (n == ns || n.StartsWith(ns + ".", StringComparison.Ordinal)));

    /// <summary>"Type (in ns) uses Other" for every use that <paramref name="banned"/> flags.</summary>
    private static List<string> Uses(IEnumerable<Type> types, Func<Type, bool> banned) =>
        [.. types.SelectMany(t => IlReferences.TypesUsedBy(t).Where(u => !IsCompilerMade(u) && banned(u)).Select(u => $"{t.FullName} uses {u.FullName}")).Distinct()];

    /// <summary>Types the compiler adds (collection expressions, static data); they belong to no layer.</summary>
    private static bool IsCompilerMade(Type type) => type.Name.StartsWith('<') || (type.DeclaringType is { } outer && IsCompilerMade(outer));

    private static void AssertNone(List<string> uses) => Assert.True(uses.Count == 0, string.Join(Environment.NewLine, uses));

    private static bool InNamespace(Type type, params string[] namespaces) =>
        type.Namespace is { } n && namespaces.Any(ns => n == ns || n.StartsWith(ns + ".", StringComparison.Ordinal));

    [Fact]
    public void The_format_library_references_only_the_base_class_library()
    {
        var references = MediaAssembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(references, n => n.StartsWith("Orleans", StringComparison.Ordinal) || n.StartsWith("Microsoft.", StringComparison.Ordinal)
            || n.StartsWith("OrleansLive", StringComparison.Ordinal) || n is "System.Net.Sockets" or "System.Net.Http" or "System.Net.Primitives");
        AssertNone(Uses(MediaAssembly.GetTypes().Where(t => t.DeclaringType is null), u =>
            InNamespace(u, "System.Net", "Orleans", "Microsoft.AspNetCore")
            || u == typeof(File) || u == typeof(FileStream) || u == typeof(Directory) || u == typeof(FileInfo)));
    }

    [Fact]
    public void The_ffmpeg_transcoder_references_only_the_format_library()
    {
        var references = typeof(Media.FFmpeg.FFmpegAudioCodecs).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains(MediaAssembly.GetName().Name, references);
        Assert.DoesNotContain(references, n => n != MediaAssembly.GetName().Name
            && (n.StartsWith("Orleans", StringComparison.Ordinal) || n.StartsWith("Microsoft.", StringComparison.Ordinal)));
    }

    [Fact]
    public void Codecs_and_the_sample_model_know_no_container_and_containers_know_no_other_container()
    {
        const string containers = "OrleansLive.Media.Containers";
        AssertNone(Uses(TypesIn(MediaAssembly, "OrleansLive.Media.Codecs"), u => InNamespace(u, containers, "OrleansLive.Media.Samples")));
        AssertNone(Uses(TypesIn(MediaAssembly, "OrleansLive.Media.Samples"), u => InNamespace(u, containers)));
        // The elementary-stream model in the Containers namespace itself is shared by the demuxers.
        foreach (var container in new[] { "Flv", "MpegTs", "Mp4", "Amf", "Ps", "Dash", "Hls" })
        {
            var own = $"{containers}.{container}";
            AssertNone(Uses(TypesIn(MediaAssembly, own), u => u.Namespace is { } n && n.StartsWith(containers + ".", StringComparison.Ordinal)
                && !InNamespace(u, own) && !(container == "Flv" && InNamespace(u, $"{containers}.Amf"))));
        }
    }

    [Fact]
    public void Streams_depend_on_nothing_above_them()
    {
        AssertNone(Uses(TypesIn(GatewayAssembly, "OrleansLive.GatewayEdge.Streams"), u =>
            u.Assembly == GatewayAssembly && !InNamespace(u, "OrleansLive.GatewayEdge.Streams")));
    }

    [Fact]
    public void Sessions_depend_only_on_streams_and_the_grain_contracts()
    {
        AssertNone(Uses(TypesIn(GatewayAssembly, "OrleansLive.GatewayEdge.Sessions"), u =>
            u.Assembly == GatewayAssembly && !InNamespace(u, "OrleansLive.GatewayEdge.Sessions", "OrleansLive.GatewayEdge.Streams")));
    }

    [Fact]
    public void Protocols_reach_the_grains_only_through_the_session_service()
    {
        AssertNone(Uses(TypesIn(GatewayAssembly, "OrleansLive.GatewayEdge.Protocols"), u =>
            typeof(Orleans.IGrain).IsAssignableFrom(u) || u == typeof(Orleans.IGrainFactory) || u == typeof(Orleans.IClusterClient)
            || u == typeof(GatewayEdge.Sessions.ClusterLink) || u == typeof(GatewayContext).GetProperty(nameof(GatewayContext.Cluster))!.PropertyType
            || InNamespace(u, "OrleansLive.GatewayEdge.Cluster", "OrleansLive.GatewayEdge.Recording", "OrleansLive.GatewayEdge.Forward")));
    }
}
