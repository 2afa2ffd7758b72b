using System.Buffers.Binary;
using OrleansLive.Media.Containers;

namespace OrleansLive.Media.Containers.MpegTs;

/// <summary>
/// The MPEG-TS demuxer, for ingest (SRT, UDP) and for checking what the muxer writes: takes chunks
/// of any size, keeps sync on the 0x47 byte, follows PAT and PMT (<see cref="Programs"/>), and
/// reassembles PES per elementary stream into <see cref="ElementaryFrame"/>s, each with the PCR and
/// packet number of its first packet. Damage is counted in <see cref="Counters"/>, never thrown: a PES
/// that lost a packet is dropped whole, a PES grows to at most <see cref="MaxPesSize"/>, and packets
/// of PIDs no PMT announced are not buffered at all. Not thread safe: one demuxer per input.
/// </summary>
public sealed class TsDemuxer
{
    public const int PacketSize = 188;
    public const int DefaultMaxPesSize = 8 * 1024 * 1024;

    /// <summary>Programs and elementary streams followed; a table announcing more is cut there.</summary>
    internal const int MaxStreams = 16;

    private const byte SyncByte = 0x47;
    private const int NullPid = 0x1FFF;

    private readonly Action<ElementaryFrame> _onFrame;
    // Room for a packet and the sync byte of the next, twice: enough for Scan to make progress.
    private readonly byte[] _stage = new byte[(2 * PacketSize) + 2];
    private readonly TsSectionBuffer _pat = new();
    private readonly Dictionary<int, ProgramState> _programs = [];
    private readonly Dictionary<int, StreamState> _streams = [];
    private readonly TimestampUnwrapper _clock = new();
    private int _stageLength;
    private int _patVersion = -1;
    private bool _synced = true;

    /// <param name="onFrame">Gets each frame; its data is only valid during the call.</param>
    public TsDemuxer(Action<ElementaryFrame> onFrame) => _onFrame = onFrame;

    public TsDemuxerCounters Counters { get; } = new();

    /// <summary>Largest PES buffered (8 MiB by default); bigger ones are dropped and counted.</summary>
    public int MaxPesSize { get; init; } = DefaultMaxPesSize;

    /// <summary>The last PCR base seen (90 kHz, unwrapped), or -1: ingest can pace or measure drift by it.</summary>
    public long LastPcr { get; private set; } = -1;

    /// <summary>Elementary streams the PMTs announce and the demuxer follows (known codecs), by PID.</summary>
    public IReadOnlyDictionary<int, ElementaryCodec> Streams => _streams.ToDictionary(s => s.Key, s => s.Value.Codec);

    /// <summary>The programs of the latest PAT, with what their latest PMTs said.</summary>
    public IReadOnlyList<TsProgramInfo> Programs =>
        _programs.Select(p => new TsProgramInfo(p.Value.Number, p.Key, p.Value.PcrPid, p.Value.Version, new Dictionary<int, byte>(p.Value.StreamTypes))).ToList();

    /// <summary>Bytes held across calls (partial packet, PES and section buffers); bounded by the caps.</summary>
    internal long BufferedBytes => _stageLength + _streams.Values.Sum(s => (long)s.Buffer.Length);

    /// <summary>Feeds bytes as they arrive: whole datagrams, partial packets, anything.</summary>
    public void Push(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_stageLength == 0)
            {
                var consumed = Scan(data);
                data = data[consumed..];
                data.CopyTo(_stage); // what is left is shorter than a packet plus its successor's sync byte
                _stageLength = data.Length;
                return;
            }

            // Bytes held from the last call: top up, scan, keep the rest; once drained, scan the input directly.
            var take = Math.Min(_stage.Length - _stageLength, data.Length);
            data[..take].CopyTo(_stage.AsSpan(_stageLength));
            _stageLength += take;
            data = data[take..];
            var used = Scan(_stage.AsSpan(0, _stageLength));
            _stage.AsSpan(used, _stageLength - used).CopyTo(_stage);
            _stageLength -= used;
        }
    }

    /// <summary>Reads the packets in <paramref name="data"/>; returns the bytes consumed, leaving a
    /// partial packet (or, while regaining sync, a packet whose successor is not here yet).</summary>
    private int Scan(ReadOnlySpan<byte> data)
    {
        var pos = 0;
        while (pos < data.Length)
        {
            var rest = data[pos..];
            if (rest[0] != SyncByte)
            {
                if (_synced)
                {
                    _synced = false;
                    Counters.SyncLosses++;
                }

                var next = rest.IndexOf(SyncByte);
                var skip = next < 0 ? rest.Length : next;
                Counters.SkippedBytes += skip;
                pos += skip;
                continue;
            }

            if (!_synced)
            {
                // Regaining sync, a 0x47 counts only when the packet after it starts with one too.
                if (rest.Length <= PacketSize)
                {
                    break;
                }

                if (rest[PacketSize] != SyncByte)
                {
                    Counters.SkippedBytes++;
                    pos++;
                    continue;
                }

                _synced = true;
            }

            if (rest.Length < PacketSize)
            {
                break;
            }

            ReadPacket(rest[..PacketSize]);
            pos += PacketSize;
        }

        return pos;
    }

    /// <summary>Ends the input: emits PES still open (video PES end only when the next one starts).</summary>
    public void Flush()
    {
        Counters.TrailingBytes += _stageLength;
        _stageLength = 0;
        foreach (var stream in _streams.Values)
        {
            Complete(stream);
        }
    }

    private void ReadPacket(ReadOnlySpan<byte> packet)
    {
        var packetNumber = Counters.Packets++;
        var pid = ((packet[1] & 0x1F) << 8) | packet[2];
        if (pid == NullPid)
        {
            return;
        }

        var streamState = _streams.GetValueOrDefault(pid);
        if ((packet[1] & 0x80) != 0)
        {
            Counters.TransportErrors++;
            if (streamState is not null)
            {
                Drop(streamState);
            }

            return;
        }

        var unitStart = (packet[1] & 0x40) != 0;
        var control = (packet[3] >> 4) & 0x03;
        var cc = packet[3] & 0x0F;
        var payload = packet[4..];
        var randomAccess = false;
        var discontinuity = false;
        long pcrHere = -1;
        if (control == 0)
        {
            return; // reserved
        }

        if ((control & 0x02) != 0)
        {
            var fieldLength = payload[0];
            if (fieldLength > payload.Length - 1)
            {
                return;
            }

            if (fieldLength > 0)
            {
                var flags = payload[1];
                discontinuity = (flags & 0x80) != 0;
                randomAccess = (flags & 0x40) != 0;
                if ((flags & 0x10) != 0 && fieldLength >= 7)
                {
                    var pcr = ((long)BinaryPrimitives.ReadUInt32BigEndian(payload[2..]) << 1) | (uint)(payload[6] >> 7);
                    LastPcr = pcrHere = _clock.Unwrap(pcr);
                    Counters.PcrCount++;
                }
            }

            payload = payload[(1 + fieldLength)..];
        }

        var hasPayload = (control & 0x01) != 0 && !payload.IsEmpty;
        if (pid == 0 || _programs.ContainsKey(pid))
        {
            var section = pid == 0 ? _pat : _programs[pid].Section;
            if (!hasPayload)
            {
                return;
            }

            var inOrder = CheckContinuity(ref section.LastCc, cc, discontinuity, out var duplicate);
            if (duplicate)
            {
                return;
            }

            if (!inOrder)
            {
                section.Reset();
            }

            section.Push(payload, unitStart, this, pid);
            return;
        }

        if (streamState is null || (control & 0x01) == 0)
        {
            return;
        }

        var continuous = CheckContinuity(ref streamState.LastCc, cc, discontinuity, out var repeated);
        if (repeated)
        {
            return;
        }

        if (!continuous)
        {
            Drop(streamState);
        }

        if (unitStart)
        {
            Complete(streamState);
            streamState.Start(randomAccess, pcrHere, packetNumber);
        }

        if (streamState.Collecting)
        {
            Append(streamState, payload);
        }
    }

    /// <summary>True when the counter follows on; a repeated counter marks a duplicate packet,
    /// which the standard allows once and which is skipped.</summary>
    private bool CheckContinuity(ref int lastCc, int cc, bool discontinuity, out bool duplicate)
    {
        duplicate = false;
        var previous = lastCc;
        lastCc = cc;
        if (previous < 0 || discontinuity)
        {
            return true;
        }

        if (cc == previous)
        {
            Counters.DuplicatePackets++;
            duplicate = true;
            return true;
        }

        if (cc == ((previous + 1) & 0x0F))
        {
            return true;
        }

        Counters.ContinuityErrors++;
        return false;
    }

    private void Drop(StreamState stream)
    {
        if (stream.Collecting)
        {
            stream.Collecting = false;
            Counters.DroppedPes++;
        }
    }

    private void Append(StreamState stream, ReadOnlySpan<byte> payload)
    {
        if (stream.Length + payload.Length > MaxPesSize)
        {
            stream.Collecting = false;
            Counters.OversizedPes++;
            return;
        }

        stream.Append(payload, MaxPesSize);

        // With a PES_packet_length the PES is done as soon as it is all here: no wait for the next one.
        if (stream.Length >= 6)
        {
            var declared = BinaryPrimitives.ReadUInt16BigEndian(stream.Buffer.AsSpan(4));
            if (declared != 0 && stream.Length >= 6 + declared)
            {
                Complete(stream);
            }
        }
    }

    private void Complete(StreamState stream)
    {
        if (!stream.Collecting)
        {
            return;
        }

        stream.Collecting = false;
        var pes = stream.Buffer.AsSpan(0, stream.Length);
        if (!PesHeader.TryParse(pes, out var header) || header.PayloadOffset > pes.Length
            || (header.PacketLength != 0 && pes.Length < 6 + header.PacketLength))
        {
            Counters.CorruptPes++;
            return;
        }

        var end = header.PacketLength != 0 ? 6 + header.PacketLength : pes.Length;
        long pts, dts;
        if (header.Pts is { } rawPts)
        {
            dts = _clock.Unwrap(header.Dts ?? rawPts);
            pts = _clock.Unwrap(rawPts);
            (stream.LastPts, stream.LastDts) = (pts, dts);
        }
        else if (stream.LastDts >= 0 || stream.LastPts >= 0)
        {
            // A PES may leave out timestamps; its data then continues where the last one was.
            (pts, dts) = (stream.LastPts, stream.LastDts);
        }
        else
        {
            Counters.UntimedPes++;
            return;
        }

        if (end <= header.PayloadOffset)
        {
            return;
        }

        Counters.Frames++;
        var data = new ReadOnlyMemory<byte>(stream.Buffer, header.PayloadOffset, end - header.PayloadOffset);
        _onFrame(new ElementaryFrame(stream.Pid, stream.StreamType, stream.Codec, pts, dts, stream.RandomAccess, data, stream.Pcr, stream.StartPacket));
    }

    /// <summary>Handles a complete PSI section from PID 0 or a PMT PID.</summary>
    internal void OnSection(int pid, ReadOnlySpan<byte> section)
    {
        // Long form only: syntax indicator set, 8 header bytes, CRC; current (not next) tables only.
        if (section.Length < 12 || (section[1] & 0x80) == 0)
        {
            return;
        }

        if (Crc32Mpeg.Compute(section[..^4]) != BinaryPrimitives.ReadUInt32BigEndian(section[^4..]))
        {
            Counters.CrcErrors++;
            return;
        }

        if ((section[5] & 0x01) == 0)
        {
            return;
        }

        var version = (section[5] >> 1) & 0x1F;
        if (pid == 0 && section[0] == 0x00)
        {
            Counters.PatCount++;
            if (version != _patVersion)
            {
                _patVersion = version;
                ReadPat(section);
            }
        }
        else if (section[0] == 0x02 && _programs.TryGetValue(pid, out var program))
        {
            Counters.PmtCount++;
            var number = BinaryPrimitives.ReadUInt16BigEndian(section[3..]);
            if (number == program.Number && version != program.Version)
            {
                program.Version = version;
                ReadPmt(program, section);
            }
        }
    }

    private void ReadPat(ReadOnlySpan<byte> section)
    {
        var kept = new Dictionary<int, ProgramState>();
        for (var at = 8; at + 4 <= section.Length - 4 && kept.Count < MaxStreams; at += 4)
        {
            var number = BinaryPrimitives.ReadUInt16BigEndian(section[at..]);
            var pmtPid = BinaryPrimitives.ReadUInt16BigEndian(section[(at + 2)..]) & 0x1FFF;
            if (number == 0 || pmtPid == 0 || pmtPid == NullPid || kept.ContainsKey(pmtPid))
            {
                continue; // program 0 names the network PID
            }

            kept[pmtPid] = _programs.TryGetValue(pmtPid, out var existing) && existing.Number == number
                ? existing
                : new ProgramState(number);
        }

        foreach (var (pmtPid, program) in _programs)
        {
            if (!kept.ContainsKey(pmtPid) || kept[pmtPid] != program)
            {
                RemoveStreams(program.Number);
            }
        }

        _programs.Clear();
        foreach (var (pmtPid, program) in kept)
        {
            _programs[pmtPid] = program;
        }
    }

    private void ReadPmt(ProgramState program, ReadOnlySpan<byte> section)
    {
        program.PcrPid = BinaryPrimitives.ReadUInt16BigEndian(section[8..]) & 0x1FFF;
        program.StreamTypes.Clear();
        var infoLength = BinaryPrimitives.ReadUInt16BigEndian(section[10..]) & 0x0FFF;
        var end = section.Length - 4;
        var announced = new Dictionary<int, (byte Type, ElementaryCodec Codec)>();
        for (var at = 12 + infoLength; at + 5 <= end;)
        {
            var type = section[at];
            var esPid = BinaryPrimitives.ReadUInt16BigEndian(section[(at + 1)..]) & 0x1FFF;
            var esInfoLength = BinaryPrimitives.ReadUInt16BigEndian(section[(at + 3)..]) & 0x0FFF;
            if (at + 5 + esInfoLength > end)
            {
                break;
            }

            program.StreamTypes[esPid] = type;
            var codec = StreamTypes.Classify(type, section.Slice(at + 5, esInfoLength));
            if (codec.IsKnown && esPid is > 0 and < NullPid && !_programs.ContainsKey(esPid))
            {
                announced[esPid] = (type, codec);
            }

            at += 5 + esInfoLength;
        }

        // Streams that stay the same keep the PES they are assembling; the rest go.
        foreach (var (pid, stream) in _streams.Where(s => s.Value.Program == program.Number).ToList())
        {
            if (!announced.TryGetValue(pid, out var entry) || entry.Type != stream.StreamType || entry.Codec != stream.Codec)
            {
                _streams.Remove(pid);
            }
        }

        foreach (var (pid, (type, codec)) in announced)
        {
            if (!_streams.ContainsKey(pid) && _streams.Count < MaxStreams)
            {
                _streams[pid] = new StreamState(pid, program.Number, type, codec);
            }
        }
    }

    private void RemoveStreams(int programNumber)
    {
        foreach (var pid in _streams.Where(s => s.Value.Program == programNumber).Select(s => s.Key).ToList())
        {
            _streams.Remove(pid);
        }
    }

    private sealed class ProgramState(int number)
    {
        public int Number { get; } = number;

        public int Version { get; set; } = -1;

        public int PcrPid { get; set; } = -1;

        /// <summary>Every stream_type the PMT lists, followed or not; at most ~200 fit one section.</summary>
        public Dictionary<int, byte> StreamTypes { get; } = [];

        public TsSectionBuffer Section { get; } = new();
    }

    private sealed class StreamState(int pid, int program, byte streamType, ElementaryCodec codec) : PayloadBuffer
    {
        public int LastCc = -1;

        public int Pid { get; } = pid;

        public int Program { get; } = program;

        public byte StreamType { get; } = streamType;

        public ElementaryCodec Codec { get; } = codec;


        public bool Collecting { get; set; }

        public bool RandomAccess { get; private set; }

        public long Pcr { get; private set; } = -1;

        public long StartPacket { get; private set; } = -1;

        public long LastPts { get; set; } = -1;

        public long LastDts { get; set; } = -1;

        public void Start(bool randomAccess, long pcr, long startPacket)
        {
            Collecting = true;
            RandomAccess = randomAccess;
            Pcr = pcr;
            StartPacket = startPacket;
            Length = 0;
        }

    }
}
