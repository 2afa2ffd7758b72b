namespace OrleansLive.Media.Rtp.Sdp;

/// <summary>
/// Picks the payload type to use from what a peer offers. The gateway repackages rather than
/// transcodes, so a choice is about what the far side (an RTMP/FLV stream or a player) carries.
/// </summary>
public static class CodecSelector
{
    /// <summary>Constrained Baseline, Baseline, Main, Constrained High: what browsers offer and what
    /// FLV/RTMP players decode, most compatible first.</summary>
    public static readonly IReadOnlyList<string> DefaultH264Profiles = ["42e01f", "42001f", "4d001f", "640c1f"];

    /// <summary>The first codec named <paramref name="name"/>, through the codec-specific rules for
    /// H.264 (profile and packetization mode), Opus (48 kHz stereo) and VP9/AV1 (profile 0 first).</summary>
    public static Codec? Choose(IEnumerable<Codec> codecs, string name, IReadOnlyList<string>? h264Profiles = null)
    {
        var list = codecs as IReadOnlyList<Codec> ?? [.. codecs];
        return name.ToUpperInvariant() switch
        {
            "H264" => FindH264(list, h264Profiles),
            "OPUS" => FindOpus(list),
            "VP9" => Prefer(list, Codec.Vp9, "profile-id"),
            "AV1" => Prefer(list, Codec.Av1, "profile"),
            _ => Find(list, name),
        };
    }

    /// <summary>
    /// H.264 in this order: for each preferred profile-level-id, a packetization-mode=1 codec of the
    /// same profile (profile_idc and constraint flags; the level may differ); then any
    /// packetization-mode=1 H.264; then any H.264. Mode 0 (one NAL unit per packet) is the last resort.
    /// </summary>
    public static Codec? FindH264(IEnumerable<Codec> codecs, IReadOnlyList<string>? preferredProfiles = null)
    {
        var h264 = codecs.Where(c => c.Is(Codec.H264)).ToList();
        var mode1 = h264.Where(c => c.Fmtp.GetValueOrDefault("packetization-mode") == "1").ToList();
        foreach (var text in preferredProfiles ?? DefaultH264Profiles)
        {
            if (!H264ProfileLevelId.TryParse(text, out var wanted))
            {
                continue;
            }

            if (mode1.Find(c => H264ProfileLevelId.Of(c) is { } offered && offered.SameProfile(wanted)) is { } match)
            {
                return match;
            }
        }

        return mode1.FirstOrDefault() ?? h264.FirstOrDefault();
    }

    /// <summary>Opus at 48 kHz with two channels, as RFC 7587 requires it be signalled; else any Opus.</summary>
    public static Codec? FindOpus(IEnumerable<Codec> codecs)
    {
        var opus = codecs.Where(c => c.Is(Codec.Opus)).ToList();
        return opus.Find(c => c.ClockRate == 48000 && c.Channels == 2) ?? opus.FirstOrDefault();
    }

    /// <summary>The first codec with this name (and clock rate, when given).</summary>
    public static Codec? Find(IEnumerable<Codec> codecs, string name, int? clockRate = null) =>
        codecs.FirstOrDefault(c => c.Is(name) && (clockRate is null || c.ClockRate == clockRate));

    /// <summary>The RTX payload type (RFC 4588) whose apt= names <paramref name="payloadType"/>.</summary>
    public static Codec? FindRtx(IEnumerable<Codec> codecs, int payloadType) =>
        codecs.FirstOrDefault(c => c.Is(Codec.Rtx) && c.AssociatedPayloadType == payloadType);

    // Profile 0 (absent means 0) before the others, which fewer decoders take.
    private static Codec? Prefer(IReadOnlyList<Codec> codecs, string name, string profileKey) =>
        codecs.FirstOrDefault(c => c.Is(name) && c.Fmtp.GetValueOrDefault(profileKey, "0") == "0") ?? Find(codecs, name);
}
