using System.Globalization;

namespace OrleansLive.Media.Containers.Dash;

/// <summary>
/// One variant of an adaptive MPD: a stream's own MPD, the directory its files are in relative to the
/// combined MPD ("" for the same one, else ending in '/'), and what is known better than the MPD says.
/// </summary>
/// <param name="Id">The representation id in the combined MPD (unique among the variants).</param>
public sealed record MpdVariant(string Id, string Directory, MpdManifest Manifest)
{
    /// <summary>Bits per second measured from the segment files; 0 keeps the MPD's.</summary>
    public long Bandwidth { get; init; }

    /// <summary>Picture size from the stream's sequence header; 0 keeps the MPD's.</summary>
    public int Width { get; init; }

    public int Height { get; init; }

    /// <summary>RFC 6381 codecs of the video; empty keeps the MPD's.</summary>
    public string Codecs { get; init; } = "";
}

/// <summary>
/// Adaptive bitrate over MPEG-DASH: one dynamic MPD whose video adaptation set holds a representation
/// per variant (the source's and each transcode rendition's own MPD), each with its own SegmentTemplate
/// naming that stream's segment files, and the source's audio. Renditions are made with `-copyts`, so
/// all variants' SegmentTimelines are on the source's media timeline: the times are taken as they
/// are, and availabilityStartTime is the latest of the variants' (a rendition's writer sees a picture
/// later than the source's does), so no segment is announced before every variant has written it.
/// </summary>
public static class AbrMpd
{
    public const string VideoGroup = "video";

    /// <summary>The combined manifest; the first variant is the source. Null when no variant has video.</summary>
    public static MpdManifest? Combine(IReadOnlyList<MpdVariant> variants)
    {
        var representations = new List<MpdRepresentation>();
        foreach (var variant in variants)
        {
            if (variant.Manifest.Representations.FirstOrDefault(r => r.IsVideo && r.Segments.Count > 0) is { } video)
            {
                representations.Add(Rebased(video, variant) with
                {
                    Bandwidth = variant.Bandwidth > 0 ? variant.Bandwidth : video.Bandwidth,
                    Codecs = variant.Codecs.Length > 0 ? variant.Codecs : video.Codecs,
                    Width = variant.Width > 0 && variant.Height > 0 ? variant.Width : video.Width,
                    Height = variant.Width > 0 && variant.Height > 0 ? variant.Height : video.Height,
                    Group = VideoGroup,
                });
            }
        }
        if (representations.Count == 0)
        {
            return null;
        }
        var source = variants[0];
        if (source.Manifest.Representations.FirstOrDefault(r => !r.IsVideo && r.Segments.Count > 0) is { } audio)
        {
            representations.Add(Rebased(audio, source with { Id = audio.Id }));
        }
        var manifests = variants.Select(v => v.Manifest).ToList();
        return new MpdManifest(
            manifests.Max(m => m.AvailabilityStart),
            manifests.Max(m => m.PublishTime),
            manifests.Min(m => m.MinimumUpdatePeriod),
            source.Manifest.TimeShiftBufferDepth,
            manifests.Max(m => m.MinBufferTime),
            manifests.Max(m => m.SuggestedPresentationDelay),
            representations);
    }

    /// <summary>A rendition whose MPD has not been updated for three segments (at least 10 s) while the
    /// source's has: its engine is down, so players are not offered it.</summary>
    public static bool IsBehind(MpdManifest source, MpdManifest rendition)
    {
        var longest = source.Representations.SelectMany(r => r.Segments.Select(s => (double)s.Duration / Math.Max(1u, r.Timescale))).DefaultIfEmpty(0).Max();
        return source.PublishTime - rendition.PublishTime > TimeSpan.FromSeconds(Math.Max(10, 3 * longest));
    }

    /// <summary>A SegmentTemplate URL with its $RepresentationID$ and $Number$ filled in.</summary>
    public static string Resolve(string template, string id, long number) =>
        template.Replace("$RepresentationID$", id, StringComparison.Ordinal)
            .Replace("$Number$", number.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("$$", "$", StringComparison.Ordinal);

    /// <summary>The representation under the variant's id, its templates naming its own files from the combined MPD's directory.</summary>
    private static MpdRepresentation Rebased(MpdRepresentation representation, MpdVariant variant) => representation with
    {
        Id = variant.Id,
        Initialization = variant.Directory + Own(representation.Initialization, representation.Id),
        Media = variant.Directory + Own(representation.Media, representation.Id),
    };

    /// <summary>The template with the stream's own representation id written out, since the combined MPD's id differs.</summary>
    private static string Own(string template, string id) => template.Replace("$RepresentationID$", id.Replace("$", "$$", StringComparison.Ordinal), StringComparison.Ordinal);
}
