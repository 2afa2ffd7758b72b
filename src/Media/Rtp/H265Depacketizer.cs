using OrleansLive.Media.Codecs;

namespace OrleansLive.Media.Rtp;

/// <summary>H.265 RTP payloads back to access units (RFC 7798 without DONL: single NAL unit, AP,
/// FU). Feed packets in sequence order; access units arrive on the callback.</summary>
public sealed class H265Depacketizer(Action<RtpAccessUnit> onAccessUnit, int maxAccessUnitSize = RtpVideoDepacketizer.DefaultMaxAccessUnitSize)
    : RtpVideoDepacketizer(VideoCodecId.H265, onAccessUnit, maxAccessUnitSize)
{
    public override byte[]? BuildDecoderRecord() =>
        Vps is { } vps && Sps is { } sps && Pps is { } pps ? DecoderRecordBuilder.BuildHevc([vps], [sps], [pps]) : null;

    private protected override bool Unpack(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return true;
        }

        if (payload.Length < 2)
        {
            return false;
        }

        var type = (payload[0] >> 1) & 0x3F;
        switch (type)
        {
            case < H265Packetizer.Ap:
                return payload.Length > 2 && AddNal(payload);
            case H265Packetizer.Ap:
                for (var at = 2; at < payload.Length;)
                {
                    if (at + 2 > payload.Length)
                    {
                        return false;
                    }

                    var size = (payload[at] << 8) | payload[at + 1];
                    if (size < 2 || at + 2 + size > payload.Length || !AddNal(payload.Slice(at + 2, size)))
                    {
                        return false;
                    }

                    at += 2 + size;
                }

                return true;
            case H265Packetizer.Fu:
                if (payload.Length < 3)
                {
                    return false;
                }

                var fuHeader = payload[2];
                var end = (fuHeader & 0x40) != 0;
                if ((fuHeader & 0x80) != 0)
                {
                    ReadOnlySpan<byte> nalHeader = [(byte)((payload[0] & 0x81) | ((fuHeader & 0x3F) << 1)), payload[1]];
                    return StartFragment(nalHeader, payload[3..]) && (!end || ContinueFragment([], true));
                }

                return ContinueFragment(payload[3..], end);
            default:
                return false; // PACI (50) and reserved types
        }
    }
}
