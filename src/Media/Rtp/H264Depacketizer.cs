using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Rtp;

/// <summary>H.264 RTP payloads back to access units (RFC 6184 mode 1: single NAL unit, STAP-A,
/// FU-A). Feed packets in sequence order; access units arrive on the callback.</summary>
public sealed class H264Depacketizer(Action<RtpAccessUnit> onAccessUnit, int maxAccessUnitSize = RtpVideoDepacketizer.DefaultMaxAccessUnitSize)
    : RtpVideoDepacketizer(VideoCodecId.H264, onAccessUnit, maxAccessUnitSize)
{
    public override byte[]? BuildDecoderRecord() =>
        Sps is { } sps && Pps is { } pps ? DecoderRecordBuilder.BuildAvc([sps], [pps]) : null;

    private protected override bool Unpack(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return true; // keeps nothing, breaks nothing
        }

        var type = payload[0] & 0x1F;
        switch (type)
        {
            case >= 1 and <= 23:
                return AddNal(payload);
            case H264Packetizer.StapA:
                for (var at = 1; at < payload.Length;)
                {
                    if (at + 2 > payload.Length)
                    {
                        return false;
                    }

                    var size = (payload[at] << 8) | payload[at + 1];
                    if (size == 0 || at + 2 + size > payload.Length || !AddNal(payload.Slice(at + 2, size)))
                    {
                        return false;
                    }

                    at += 2 + size;
                }

                return true;
            case H264Packetizer.FuA:
                if (payload.Length < 2)
                {
                    return false;
                }

                var fuHeader = payload[1];
                var end = (fuHeader & 0x40) != 0;
                if ((fuHeader & 0x80) != 0)
                {
                    ReadOnlySpan<byte> nalHeader = [(byte)((payload[0] & 0xE0) | (fuHeader & 0x1F))];
                    return StartFragment(nalHeader, payload[2..]) && (!end || ContinueFragment([], true));
                }

                return ContinueFragment(payload[2..], end);
            default:
                return false; // STAP-B, MTAP, FU-B belong to interleaved mode; 0, 30, 31 are undefined
        }
    }
}
