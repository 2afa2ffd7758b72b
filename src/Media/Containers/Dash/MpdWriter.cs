using System.Globalization;
using System.Text;
using System.Xml;

namespace OrleansLive.Media.Containers.Dash;

/// <summary>
/// Writes a dynamic MPD (ISO/IEC 23009-1, isoff-live profile): one period from media time 0, an
/// adaptation set per representation or group of them (<see cref="MpdRepresentation.Group"/>), and a SegmentTemplate with <c>$Number$</c> over an explicit
/// SegmentTimeline (every S carries its t, so gaps between segments never shift later ones).
/// </summary>
public static class MpdWriter
{
    private const string Namespace = "urn:mpeg:dash:schema:mpd:2011";
    private const string UtcDirectScheme = "urn:mpeg:dash:utc:direct:2014";
    private const string UtcDirectValue = UtcDirectScheme + "\" value=\"";

    public static string Write(MpdManifest manifest)
    {
        var text = new StringBuilder(2048);
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false };
        using (var xml = XmlWriter.Create(new StringWriterUtf8(text), settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("MPD", Namespace);
            xml.WriteAttributeString("profiles", "urn:mpeg:dash:profile:isoff-live:2011");
            xml.WriteAttributeString("type", "dynamic");
            xml.WriteAttributeString("availabilityStartTime", Time(manifest.AvailabilityStart));
            xml.WriteAttributeString("publishTime", Time(manifest.PublishTime));
            xml.WriteAttributeString("minimumUpdatePeriod", Duration(manifest.MinimumUpdatePeriod));
            xml.WriteAttributeString("timeShiftBufferDepth", Duration(manifest.TimeShiftBufferDepth));
            xml.WriteAttributeString("minBufferTime", Duration(manifest.MinBufferTime));
            xml.WriteAttributeString("suggestedPresentationDelay", Duration(manifest.SuggestedPresentationDelay));
            var longest = manifest.Representations.SelectMany(r => r.Segments.Select(s => (double)s.Duration / r.Timescale)).DefaultIfEmpty(0).Max();
            if (longest > 0)
            {
                xml.WriteAttributeString("maxSegmentDuration", Duration(TimeSpan.FromSeconds(longest)));
            }

            xml.WriteStartElement("Period", Namespace);
            xml.WriteAttributeString("id", "0");
            xml.WriteAttributeString("start", "PT0S");
            var set = 0;
            foreach (var members in AdaptationSets(manifest.Representations))
            {
                WriteAdaptationSet(xml, members, set++);
            }
            xml.WriteEndElement();
            // The time is the MPD's own; a server stamps the time it serves the MPD (WithUtcTime), so
            // players set their clocks by the server's instead of fetching a time server of their own.
            xml.WriteStartElement("UTCTiming", Namespace);
            xml.WriteAttributeString("schemeIdUri", UtcDirectScheme);
            xml.WriteAttributeString("value", Time(manifest.PublishTime));
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        return text.Append('\n').ToString();
    }

    /// <summary>Representations in adaptation sets: each ungrouped one alone, each group together where its first member is.</summary>
    private static List<List<MpdRepresentation>> AdaptationSets(IReadOnlyList<MpdRepresentation> representations)
    {
        var sets = new List<List<MpdRepresentation>>();
        var groups = new Dictionary<(string, bool), List<MpdRepresentation>>();
        foreach (var representation in representations)
        {
            if (representation.Group is { } group)
            {
                if (groups.TryGetValue((group, representation.IsVideo), out var members))
                {
                    members.Add(representation);
                    continue;
                }
                groups[(group, representation.IsVideo)] = members = [representation];
                sets.Add(members);
            }
            else
            {
                sets.Add([representation]);
            }
        }
        return sets;
    }

    private static void WriteAdaptationSet(XmlWriter xml, List<MpdRepresentation> members, int id)
    {
        var isVideo = members[0].IsVideo;
        xml.WriteStartElement("AdaptationSet", Namespace);
        xml.WriteAttributeString("id", Number(id));
        xml.WriteAttributeString("contentType", isVideo ? "video" : "audio");
        xml.WriteAttributeString("mimeType", isVideo ? "video/mp4" : "audio/mp4");
        // Claimed only when true: a player may then switch without looking at the other timeline.
        if (SegmentsAligned(members))
        {
            xml.WriteAttributeString("segmentAlignment", "true");
        }
        xml.WriteAttributeString("startWithSAP", "1");
        foreach (var representation in members)
        {
            WriteRepresentation(xml, representation);
        }
        xml.WriteEndElement();
    }

    /// <summary>True if, over the time all members list, their segments start at the same times (to the millisecond).</summary>
    internal static bool SegmentsAligned(IReadOnlyList<MpdRepresentation> members)
    {
        if (members.Count < 2)
        {
            return true;
        }
        static long Ms(MpdRepresentation r, long ticks) => (long)Math.Round(ticks * 1000.0 / Math.Max(1u, r.Timescale));
        var from = members.Max(r => r.Segments.Count > 0 ? Ms(r, r.Segments[0].Start) : long.MaxValue);
        var to = members.Min(r => r.Segments.Count > 0 ? Ms(r, r.Segments[^1].Start) : long.MinValue);
        if (from > to)
        {
            return false;
        }
        var starts = members.Select(r => r.Segments.Select(s => Ms(r, s.Start)).Where(t => t >= from && t <= to).ToList()).ToList();
        return starts.All(s => s.Count == starts[0].Count && s.Zip(starts[0]).All(p => Math.Abs(p.First - p.Second) <= 1));
    }

    private static void WriteRepresentation(XmlWriter xml, MpdRepresentation r)
    {
        xml.WriteStartElement("Representation", Namespace);
        xml.WriteAttributeString("id", r.Id);
        xml.WriteAttributeString("codecs", r.Codecs);
        xml.WriteAttributeString("bandwidth", Number(Math.Max(1, r.Bandwidth)));
        if (r.IsVideo)
        {
            if (r.Width > 0 && r.Height > 0)
            {
                xml.WriteAttributeString("width", Number(r.Width));
                xml.WriteAttributeString("height", Number(r.Height));
            }
        }
        else if (r.SampleRate > 0)
        {
            xml.WriteAttributeString("audioSamplingRate", Number(r.SampleRate));
        }
        if (!r.IsVideo && r.Channels > 0)
        {
            xml.WriteStartElement("AudioChannelConfiguration", Namespace);
            xml.WriteAttributeString("schemeIdUri", "urn:mpeg:dash:23003:3:audio_channel_configuration:2011");
            xml.WriteAttributeString("value", Number(r.Channels));
            xml.WriteEndElement();
        }

        xml.WriteStartElement("SegmentTemplate", Namespace);
        xml.WriteAttributeString("timescale", Number(r.Timescale));
        xml.WriteAttributeString("initialization", r.Initialization);
        xml.WriteAttributeString("media", r.Media);
        xml.WriteAttributeString("startNumber", Number(r.Segments.Count > 0 ? r.Segments[0].Number : 0));
        xml.WriteStartElement("SegmentTimeline", Namespace);
        foreach (var segment in r.Segments)
        {
            xml.WriteStartElement("S", Namespace);
            xml.WriteAttributeString("t", Number(segment.Start));
            xml.WriteAttributeString("d", Number(segment.Duration));
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
        xml.WriteEndElement();

        xml.WriteEndElement();
    }

    /// <summary>The MPD with its direct UTCTiming set to <paramref name="now"/> (the time it is served).</summary>
    public static string WithUtcTime(string mpd, DateTimeOffset now)
    {
        var at = mpd.IndexOf(UtcDirectValue, StringComparison.Ordinal);
        var end = at < 0 ? -1 : mpd.IndexOf('"', at + UtcDirectValue.Length);
        return end < 0 ? mpd : string.Concat(mpd.AsSpan(0, at + UtcDirectValue.Length), Time(now), mpd.AsSpan(end));
    }

    /// <summary>xs:dateTime in UTC with milliseconds, e.g. 2026-12-01T22:40:37.125Z.</summary>
    internal static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>xs:duration in seconds, e.g. PT2.5S.</summary>
    internal static string Duration(TimeSpan span) =>
        "PT" + Math.Round(Math.Max(0, span.TotalSeconds), 3).ToString("0.###", CultureInfo.InvariantCulture) + "S";

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A StringWriter that declares UTF-8, so the XML declaration says what the file is.</summary>
    private sealed class StringWriterUtf8(StringBuilder text) : StringWriter(text, CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => new UTF8Encoding(false);
    }
}
