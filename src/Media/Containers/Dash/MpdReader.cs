using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace OrleansLive.Media.Containers.Dash;

/// <summary>
/// Reads back a dynamic MPD as <see cref="MpdWriter"/> writes it (one period, a SegmentTemplate with
/// an explicit SegmentTimeline per representation), so another MPD can be made from it.
/// </summary>
public static class MpdReader
{
    private static readonly XNamespace Mpd = "urn:mpeg:dash:schema:mpd:2011";

    /// <summary>The manifest the text describes; null if it is not such an MPD.</summary>
    public static MpdManifest? TryRead(string text)
    {
        try
        {
            return Read(XDocument.Parse(text).Root);
        }
        catch (Exception ex) when (ex is XmlException or FormatException or OverflowException)
        {
            return null;
        }
    }

    private static MpdManifest? Read(XElement? root)
    {
        if (root is null || root.Name != Mpd + "MPD" || (string?)root.Attribute("availabilityStartTime") is not { } start)
        {
            return null;
        }
        var representations = new List<MpdRepresentation>();
        foreach (var set in root.Elements(Mpd + "Period").Take(1).Elements(Mpd + "AdaptationSet"))
        {
            var isVideo = (string?)set.Attribute("contentType") == "video" || ((string?)set.Attribute("mimeType"))?.StartsWith("video/", StringComparison.Ordinal) == true;
            foreach (var element in set.Elements(Mpd + "Representation"))
            {
                if (Representation(element, isVideo) is { } representation)
                {
                    representations.Add(representation);
                }
            }
        }
        return new MpdManifest(Time(start), Time((string?)root.Attribute("publishTime") ?? start), Span(root, "minimumUpdatePeriod"),
            Span(root, "timeShiftBufferDepth"), Span(root, "minBufferTime"), Span(root, "suggestedPresentationDelay"), representations);
    }

    private static MpdRepresentation? Representation(XElement element, bool isVideo)
    {
        var template = element.Element(Mpd + "SegmentTemplate");
        if (template is null || (string?)element.Attribute("id") is not { } id)
        {
            return null;
        }
        var number = Long(template, "startNumber", 1);
        var segments = new List<MpdSegment>();
        long next = 0;
        foreach (var s in template.Element(Mpd + "SegmentTimeline")?.Elements(Mpd + "S") ?? [])
        {
            var t = Long(s, "t", next);
            var d = Long(s, "d", 0);
            for (var repeat = Long(s, "r", 0); repeat >= 0; repeat--)
            {
                segments.Add(new MpdSegment(number++, t, d));
                t += d;
            }
            next = t;
        }
        var channels = element.Element(Mpd + "AudioChannelConfiguration")?.Attribute("value");
        return new MpdRepresentation(id, isVideo, (string?)element.Attribute("codecs") ?? "", (uint)Long(template, "timescale", 1),
            Long(element, "bandwidth", 0), (string?)template.Attribute("initialization") ?? "", (string?)template.Attribute("media") ?? "", segments)
        {
            Width = (int)Long(element, "width", 0),
            Height = (int)Long(element, "height", 0),
            SampleRate = (int)Long(element, "audioSamplingRate", 0),
            Channels = channels is null ? 0 : int.Parse(channels.Value, CultureInfo.InvariantCulture),
        };
    }

    private static long Long(XElement element, string name, long fallback) =>
        element.Attribute(name) is { } value ? long.Parse(value.Value, NumberStyles.Integer, CultureInfo.InvariantCulture) : fallback;

    private static TimeSpan Span(XElement element, string name) =>
        element.Attribute(name) is { } value ? XmlConvert.ToTimeSpan(value.Value) : TimeSpan.Zero;

    private static DateTimeOffset Time(string value) =>
        DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
