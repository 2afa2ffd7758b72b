using System.Buffers;
using System.Buffers.Binary;
using OrleansLive.Media.Containers;

namespace OrleansLive.Media.Containers.MpegTs;

/// <summary>
/// A small MPEG-TS demuxer for tests and tools: checks sync bytes, continuity counters and PSI
/// CRCs, follows PAT and PMT, and reassembles PES per PID. Not tuned for serving traffic.
/// </summary>
public sealed class TsReader
{
    private readonly Dictionary<int, PidState> _pids = [];
    private readonly Dictionary<int, byte> _streamTypes = [];
    private readonly List<(int Start, TsPes Pes)> _pes = [];

    public int PacketCount { get; private set; }

    public int SyncErrors { get; private set; }

    public int ContinuityErrors { get; private set; }

    public int CrcErrors { get; private set; }

    public int PatCount { get; private set; }

    public int PmtCount { get; private set; }

    public int PcrCount { get; private set; }

    public int PmtPid { get; private set; } = -1;

    public int PcrPid { get; private set; } = -1;

    public int PmtVersion { get; private set; } = -1;

    /// <summary>Elementary PID to stream_type from the latest PMT.</summary>
    public IReadOnlyDictionary<int, byte> StreamTypes => _streamTypes;

    /// <summary>
    /// Parses whole packets and returns every PES in the order it started; a trailing partial
    /// packet counts as a sync error. PES still open at the end are returned too.
    /// </summary>
    public List<TsPes> Read(ReadOnlySpan<byte> ts)
    {
        while (ts.Length >= TsPacketWriter.PacketSize)
        {
            ReadPacket(ts[..TsPacketWriter.PacketSize]);
            ts = ts[TsPacketWriter.PacketSize..];
        }
        if (!ts.IsEmpty)
        {
            SyncErrors++;
        }
        foreach (var (pid, state) in _pids)
        {
            Flush(pid, state);
        }
        // PES complete out of order (video ends only when the next one starts); report them by start.
        _pes.Sort((a, b) => a.Start.CompareTo(b.Start));
        var result = new List<TsPes>(_pes.Count);
        foreach (var (_, pes) in _pes)
        {
            result.Add(pes);
        }
        _pes.Clear();
        return result;
    }

    private void ReadPacket(ReadOnlySpan<byte> packet)
    {
        PacketCount++;
        if (packet[0] != TsPacketWriter.SyncByte)
        {
            SyncErrors++;
            return;
        }
        var start = (packet[1] & 0x40) != 0;
        var pid = ((packet[1] & 0x1F) << 8) | packet[2];
        var control = (packet[3] >> 4) & 0x03;
        var cc = packet[3] & 0x0F;
        var hasPayload = (control & 0x01) != 0;
        var payload = packet[4..];

        var randomAccess = false;
        long? pcr = null;
        var discontinuity = false;
        if ((control & 0x02) != 0)
        {
            var fieldLength = payload[0];
            var field = payload.Slice(1, Math.Min(fieldLength, payload.Length - 1));
            if (field.Length > 0)
            {
                discontinuity = (field[0] & 0x80) != 0;
                randomAccess = (field[0] & 0x40) != 0;
                if ((field[0] & 0x10) != 0 && field.Length >= 7)
                {
                    pcr = ((long)BinaryPrimitives.ReadUInt32BigEndian(field[1..]) << 1) | (uint)(field[5] >> 7);
                    PcrCount++;
                }
            }
            payload = payload[Math.Min(1 + fieldLength, payload.Length)..];
        }

        if (!_pids.TryGetValue(pid, out var state))
        {
            state = new PidState();
            _pids[pid] = state;
        }
        CheckContinuity(state, cc, hasPayload, discontinuity);
        if (!hasPayload)
        {
            return;
        }

        if (pid == 0 || pid == PmtPid)
        {
            if (start)
            {
                ReadSection(pid, payload);
            }
            return;
        }
        if (start)
        {
            Flush(pid, state);
            state.Started = true;
            state.StartPacket = PacketCount;
            state.RandomAccess = randomAccess;
            state.Pcr = pcr;
        }
        if (state.Started)
        {
            state.Data.Write(payload);
        }
    }

    private void CheckContinuity(PidState state, int cc, bool hasPayload, bool discontinuity)
    {
        if (state.LastCc >= 0 && !discontinuity)
        {
            // Packets without payload repeat the counter; packets with payload advance it.
            var expected = hasPayload ? (state.LastCc + 1) & 0x0F : state.LastCc;
            if (cc != expected)
            {
                ContinuityErrors++;
            }
        }
        state.LastCc = cc;
    }

    private void ReadSection(int pid, ReadOnlySpan<byte> payload)
    {
        var pointer = payload[0];
        if (1 + pointer + 3 > payload.Length)
        {
            return;
        }
        var section = payload[(1 + pointer)..];
        var length = ((section[1] & 0x0F) << 8) | section[2];
        if (3 + length > section.Length || length < 9)
        {
            return;
        }
        section = section[..(3 + length)];
        if (Crc32Mpeg.Compute(section[..^4]) != BinaryPrimitives.ReadUInt32BigEndian(section[^4..]))
        {
            CrcErrors++;
            return;
        }
        if (pid == 0 && section[0] == 0x00)
        {
            PatCount++;
            for (var at = 8; at + 4 <= section.Length - 4; at += 4)
            {
                var program = BinaryPrimitives.ReadUInt16BigEndian(section[at..]);
                if (program != 0)
                {
                    PmtPid = BinaryPrimitives.ReadUInt16BigEndian(section[(at + 2)..]) & 0x1FFF;
                }
            }
        }
        else if (section[0] == 0x02)
        {
            PmtCount++;
            PmtVersion = (section[5] >> 1) & 0x1F;
            PcrPid = BinaryPrimitives.ReadUInt16BigEndian(section[8..]) & 0x1FFF;
            var infoLength = BinaryPrimitives.ReadUInt16BigEndian(section[10..]) & 0x0FFF;
            _streamTypes.Clear();
            for (var at = 12 + infoLength; at + 5 <= section.Length - 4;)
            {
                var esPid = BinaryPrimitives.ReadUInt16BigEndian(section[(at + 1)..]) & 0x1FFF;
                _streamTypes[esPid] = section[at];
                at += 5 + (BinaryPrimitives.ReadUInt16BigEndian(section[(at + 3)..]) & 0x0FFF);
            }
        }
    }

    private void Flush(int pid, PidState state)
    {
        if (!state.Started)
        {
            return;
        }
        state.Started = false;
        var data = state.Data.WrittenSpan;
        state.Data.ResetWrittenCount();
        if (data.Length < 9 || data[0] != 0 || data[1] != 0 || data[2] != 1)
        {
            return;
        }
        var flags = data[7];
        var headerLength = 9 + data[8];
        if (headerLength > data.Length)
        {
            return;
        }
        long? pts = (flags & 0x80) != 0 ? ReadTimestamp(data[9..]) : null;
        long? dts = (flags & 0x40) != 0 ? ReadTimestamp(data[14..]) : pts;
        var payload = data[headerLength..];
        int packetLength = BinaryPrimitives.ReadUInt16BigEndian(data[4..]);
        if (packetLength != 0 && 6 + packetLength <= data.Length)
        {
            payload = data[headerLength..(6 + packetLength)];
        }
        var streamType = _streamTypes.TryGetValue(pid, out var type) ? type : (byte)0;
        _pes.Add((state.StartPacket, new TsPes(pid, streamType, pts, dts, payload.ToArray(), state.RandomAccess, state.Pcr)));
    }

    private static long ReadTimestamp(ReadOnlySpan<byte> b) =>
        ((long)(b[0] & 0x0E) << 29) | ((long)b[1] << 22) | ((long)(b[2] & 0xFE) << 14) | ((long)b[3] << 7) | ((long)b[4] >> 1);

    private sealed class PidState
    {
        public ArrayBufferWriter<byte> Data { get; } = new();

        public int LastCc { get; set; } = -1;

        public bool Started { get; set; }

        public int StartPacket { get; set; }

        public bool RandomAccess { get; set; }

        public long? Pcr { get; set; }
    }
}
