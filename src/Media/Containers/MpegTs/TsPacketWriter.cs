using System.Buffers;
using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.Media.Containers.MpegTs;

/// <summary>
/// Splits PES packets and PSI sections into 188-byte transport packets written straight into the
/// output, so a frame costs no intermediate copies beyond its PES buffer.
/// </summary>
internal static class TsPacketWriter
{
    public const int PacketSize = 188;
    public const byte SyncByte = 0x47;
    private const int HeaderSize = 4;
    private const int PayloadCapacity = PacketSize - HeaderSize;
    private const int PcrSize = 6;

    /// <summary>
    /// Writes one PES. Only the first packet sets payload_unit_start and carries the adaptation field
    /// with random_access_indicator and PCR; the last packet is padded with adaptation field stuffing.
    /// </summary>
    /// <param name="pcrBase">PCR base in 90 kHz, or -1 for none.</param>
    public static void WritePes(IBufferWriter<byte> output, int pid, ref byte cc, ReadOnlySpan<byte> pes, bool randomAccess, long pcrBase)
    {
        var first = true;
        while (!pes.IsEmpty)
        {
            var packet = output.GetSpan(PacketSize)[..PacketSize];
            var flagsField = first && (randomAccess || pcrBase >= 0);
            // Adaptation field bytes this packet needs before stuffing: length byte + flags (+ PCR).
            var fieldMin = flagsField ? 2 + (pcrBase >= 0 ? PcrSize : 0) : 0;
            var take = Math.Min(pes.Length, PayloadCapacity - fieldMin);
            var fieldSize = PayloadCapacity - take;

            packet[0] = SyncByte;
            packet[1] = (byte)((first ? 0x40 : 0) | ((pid >> 8) & 0x1F));
            packet[2] = (byte)pid;
            packet[3] = (byte)((fieldSize > 0 ? 0x30 : 0x10) | cc);
            cc = (byte)((cc + 1) & 0x0F);

            if (fieldSize > 0)
            {
                var field = packet.Slice(HeaderSize, fieldSize);
                field[0] = (byte)(fieldSize - 1);
                if (fieldSize > 1)
                {
                    var flags = 0;
                    var at = 2;
                    if (flagsField && randomAccess)
                    {
                        flags |= 0x40;
                    }
                    if (flagsField && pcrBase >= 0)
                    {
                        flags |= 0x10;
                        WritePcr(field.Slice(at, PcrSize), pcrBase);
                        at += PcrSize;
                    }
                    field[1] = (byte)flags;
                    field[at..].Fill(0xFF);
                }
            }
            pes[..take].CopyTo(packet[(HeaderSize + fieldSize)..]);
            output.Advance(PacketSize);
            pes = pes[take..];
            first = false;
        }
    }

    /// <summary>Writes a PSI section that fits one packet: pointer_field 0, section, 0xFF fill.</summary>
    public static void WriteSection(IBufferWriter<byte> output, int pid, ref byte cc, ReadOnlySpan<byte> section)
    {
        if (section.Length > PayloadCapacity - 1)
        {
            throw new ArgumentException("PSI section does not fit one transport packet.", nameof(section));
        }
        var packet = output.GetSpan(PacketSize)[..PacketSize];
        packet[0] = SyncByte;
        packet[1] = (byte)(0x40 | ((pid >> 8) & 0x1F));
        packet[2] = (byte)pid;
        packet[3] = (byte)(0x10 | cc);
        cc = (byte)((cc + 1) & 0x0F);
        packet[4] = 0;
        section.CopyTo(packet[5..]);
        packet[(5 + section.Length)..].Fill(0xFF);
        output.Advance(PacketSize);
    }

    /// <summary>PCR = 33-bit base in 90 kHz, 6 reserved bits, 9-bit 27 MHz extension (kept 0).</summary>
    private static void WritePcr(Span<byte> dest, long pcrBase)
    {
        dest[0] = (byte)(pcrBase >> 25);
        dest[1] = (byte)(pcrBase >> 17);
        dest[2] = (byte)(pcrBase >> 9);
        dest[3] = (byte)(pcrBase >> 1);
        dest[4] = (byte)(((pcrBase & 1) << 7) | 0x7E);
        dest[5] = 0;
    }
}
