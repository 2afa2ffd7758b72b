using System.Globalization;
using System.Text;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Rtp.Sdp;
using MediaKind = OrleansLive.Media.Samples.MediaKind;
using SdpKind = OrleansLive.Media.Rtp.Sdp.MediaKind;

namespace OrleansLive.Media.Rtsp;

/// <summary>
/// The SDP of RTSP: what DESCRIBE answers (H.264 with sprop-parameter-sets and profile-level-id, H.265
/// with sprop-vps/sps/pps, AAC as mpeg4-generic AAC-hbr with its config, Opus), and what a publisher's
/// ANNOUNCE offers, read back into tracks.
/// </summary>
public static class RtspSdp
{
    public const int VideoPayloadType = 96;
    public const int AudioPayloadType = 97;

    /// <summary>A session description for DESCRIBE; each track's a=control is its <see cref="RtspTrack.Control"/>.</summary>
    public static string Describe(string address, string sessionName, IReadOnlyList<RtspTrack> tracks)
    {
        var text = new StringBuilder(512);
        var ip4 = !address.Contains(':');
        text.Append("v=0\r\n");
        text.Append(CultureInfo.InvariantCulture, $"o=- 0 0 IN {(ip4 ? "IP4" : "IP6")} {address}\r\n");
        text.Append(CultureInfo.InvariantCulture, $"s={sessionName}\r\n");
        text.Append(CultureInfo.InvariantCulture, $"c=IN {(ip4 ? "IP4" : "IP6")} {(ip4 ? "0.0.0.0" : "::")}\r\n");
        text.Append("t=0 0\r\n");
        text.Append("a=control:*\r\n");
        text.Append("a=range:npt=0-\r\n");
        foreach (var track in tracks)
        {
            var (rtpmap, fmtp) = Format(track);
            text.Append(CultureInfo.InvariantCulture, $"m={(track.IsVideo ? "video" : "audio")} 0 RTP/AVP {track.PayloadType}\r\n");
            text.Append(CultureInfo.InvariantCulture, $"a=rtpmap:{track.PayloadType} {rtpmap}\r\n");
            if (fmtp.Length > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"a=fmtp:{track.PayloadType} {fmtp}\r\n");
            }
            text.Append(CultureInfo.InvariantCulture, $"a=control:{track.Control}\r\n");
        }
        return text.ToString();
    }

    /// <summary>A video track from its parameter sets (NAL units with headers); null for codecs RTSP players here do not get.</summary>
    public static RtspTrack? VideoTrack(VideoCodecId codec, IReadOnlyList<byte[]> parameterSets, string control) =>
        codec is VideoCodecId.H264 or VideoCodecId.H265
            ? new RtspTrack(MediaKind.Video, codec, AudioCodecId.Unknown, VideoPayloadType, 90_000, 1, control) { ParameterSets = parameterSets }
            : null;

    /// <summary>An AAC track from its AudioSpecificConfig, or an Opus track; null for other audio.</summary>
    public static RtspTrack? AudioTrack(AudioCodecId codec, ReadOnlySpan<byte> config, string control)
    {
        if (codec == AudioCodecId.Opus)
        {
            return new RtspTrack(MediaKind.Audio, VideoCodecId.Unknown, codec, AudioPayloadType, OpusHead.SampleRate, 2, control);
        }
        if (codec != AudioCodecId.Aac || !AudioSpecificConfig.TryParse(config, out var asc))
        {
            return null;
        }
        // The RTP clock is the core sampling rate: AAC frames of 1024 samples at that rate.
        return new RtspTrack(MediaKind.Audio, VideoCodecId.Unknown, codec, AudioPayloadType, asc.SampleRate, Math.Max(1, asc.ChannelConfig), control) { AudioConfig = config.ToArray() };
    }

    private static (string Rtpmap, string Fmtp) Format(RtspTrack track)
    {
        switch (track.Video)
        {
            case VideoCodecId.H264:
                var sps = track.ParameterSets.FirstOrDefault(n => NalUnit.Type(VideoCodecId.H264, n) == NalUnit.AvcSps);
                var h264 = new StringBuilder("packetization-mode=1");
                if (sps is { Length: >= 4 })
                {
                    h264.Append(CultureInfo.InvariantCulture, $";profile-level-id={sps[1]:X2}{sps[2]:X2}{sps[3]:X2}");
                }
                if (track.ParameterSets.Count > 0)
                {
                    h264.Append(";sprop-parameter-sets=").Append(string.Join(',', track.ParameterSets
                        .Where(n => NalUnit.Type(VideoCodecId.H264, n) is NalUnit.AvcSps or NalUnit.AvcPps).Select(Convert.ToBase64String)));
                }
                return ("H264/90000", h264.ToString());
            case VideoCodecId.H265:
                var parts = new List<string>();
                foreach (var (type, name) in new[] { (NalUnit.HevcVps, "sprop-vps"), (NalUnit.HevcSps, "sprop-sps"), (NalUnit.HevcPps, "sprop-pps") })
                {
                    var sets = track.ParameterSets.Where(n => NalUnit.Type(VideoCodecId.H265, n) == type).Select(Convert.ToBase64String).ToList();
                    if (sets.Count > 0)
                    {
                        parts.Add($"{name}={string.Join(',', sets)}");
                    }
                }
                return ("H265/90000", string.Join(';', parts));
        }
        if (track.Audio == AudioCodecId.Opus)
        {
            return ("opus/48000/2", "sprop-stereo=1");
        }
        return ($"mpeg4-generic/{track.ClockRate}/{track.Channels}",
            $"streamtype=5;profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3;config={Convert.ToHexString(track.AudioConfig)}");
    }

    /// <summary>The tracks of an ANNOUNCE: H.264, H.265, AAC (mpeg4-generic) and Opus; other media are
    /// listed in <paramref name="skipped"/>. False when the SDP does not parse or has no usable track.</summary>
    public static bool TryParseAnnounce(string sdp, out List<RtspTrack> tracks, out List<string> skipped, out string error)
    {
        tracks = [];
        skipped = [];
        if (!SessionDescription.TryParse(sdp, out var description, out error))
        {
            return false;
        }
        foreach (var media in description.Media)
        {
            var control = media.Attributes.FirstOrDefault(a => a.Name.Equals("control", StringComparison.OrdinalIgnoreCase))?.Value ?? $"streamid={media.Index}";
            var codec = media.PayloadTypes.Select(media.CodecFor).FirstOrDefault(c => c is not null);
            if (codec is null)
            {
                skipped.Add(media.ToString());
                continue;
            }
            if (ToTrack(media.Kind, codec, control) is { } track && tracks.All(t => t.Kind != track.Kind))
            {
                tracks.Add(track);
            }
            else
            {
                skipped.Add($"{media.Media} {codec}");
            }
        }
        if (tracks.Count == 0)
        {
            error = "no H.264, H.265, AAC or Opus media in the SDP";
            return false;
        }
        return true;
    }

    private static RtspTrack? ToTrack(SdpKind kind, Codec codec, string control)
    {
        if (kind == SdpKind.Video && codec.ClockRate == 90_000)
        {
            if (codec.Is(Codec.H264))
            {
                var sets = codec.Fmtp.TryGetValue("sprop-parameter-sets", out var value) ? Base64List(value) : [];
                return new RtspTrack(MediaKind.Video, VideoCodecId.H264, AudioCodecId.Unknown, codec.PayloadType, 90_000, 1, control) { ParameterSets = sets };
            }
            if (codec.Is(Codec.H265))
            {
                var sets = new List<byte[]>();
                foreach (var name in new[] { "sprop-vps", "sprop-sps", "sprop-pps" })
                {
                    if (codec.Fmtp.TryGetValue(name, out var list))
                    {
                        sets.AddRange(Base64List(list));
                    }
                }
                return new RtspTrack(MediaKind.Video, VideoCodecId.H265, AudioCodecId.Unknown, codec.PayloadType, 90_000, 1, control) { ParameterSets = sets };
            }
            return null;
        }
        if (kind != SdpKind.Audio || codec.ClockRate is <= 0 or > 192_000)
        {
            return null;
        }
        if (codec.Is(Codec.Opus))
        {
            return new RtspTrack(MediaKind.Audio, VideoCodecId.Unknown, AudioCodecId.Opus, codec.PayloadType, codec.ClockRate, codec.Channels, control);
        }
        if (!codec.Is("mpeg4-generic") || !codec.Fmtp.TryGetValue("config", out var hex) || !TryHex(hex, out var config)
            || !AudioSpecificConfig.TryParse(config, out _)
            || (codec.Fmtp.TryGetValue("mode", out var mode) && !mode.Equals("AAC-hbr", StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }
        var sizeLength = Field(codec, "sizelength", 13);
        var indexLength = Field(codec, "indexlength", 3);
        var deltaLength = Field(codec, "indexdeltalength", 3);
        if (sizeLength is < 1 or > 16 || indexLength is < 0 or > 8 || deltaLength is < 0 or > 8)
        {
            return null;
        }
        return new RtspTrack(MediaKind.Audio, VideoCodecId.Unknown, AudioCodecId.Aac, codec.PayloadType, codec.ClockRate, codec.Channels, control)
        {
            AudioConfig = config,
            SizeLength = sizeLength,
            IndexLength = indexLength,
            IndexDeltaLength = deltaLength,
        };
    }

    private static int Field(Codec codec, string name, int fallback) =>
        codec.Fmtp.TryGetValue(name, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    private static List<byte[]> Base64List(string value)
    {
        var list = new List<byte[]>();
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var buffer = new byte[(part.Length * 3 / 4) + 3];
            if (part.Length <= NalUnit.MaxParameterSetSize * 2 && Convert.TryFromBase64String(part, buffer, out var written) && written > 0)
            {
                list.Add(buffer[..written]);
            }
        }
        return list;
    }

    private static bool TryHex(string hex, out byte[] bytes)
    {
        bytes = [];
        if (hex.Length is 0 or > 64 || hex.Length % 2 != 0)
        {
            return false;
        }
        try
        {
            bytes = Convert.FromHexString(hex);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
