using OrleansLive.Media.Codecs;
using OrleansLive.Media.Containers.Flv;

namespace OrleansLive.Media.Containers.Mp4;

/// <summary>
/// Samples of one track waiting for the next fragment: metadata in a reused array and media bytes
/// in one reused buffer, so steady-state adds do not allocate.
/// </summary>
internal sealed class Fmp4FragmentTrack(Fmp4TrackConfig config)
{
    private Sample[] _samples = new Sample[64];
    private byte[] _data = new byte[config.IsVideo ? 256 * 1024 : 16 * 1024];
    private bool _hasTimestamp;
    private uint _lastMs;
    private long _extendedMs;

    public Fmp4TrackConfig Config { get; } = config;

    public int Count { get; private set; }

    public int DataLength { get; private set; }

    /// <summary>Duration of the last sample written, reused when a fragment ends on one sample.</summary>
    public uint LastDuration { get; set; }

    public ReadOnlySpan<Sample> Samples => _samples.AsSpan(0, Count);

    public ReadOnlySpan<byte> Data => _data.AsSpan(0, DataLength);

    /// <summary>
    /// Appends a sample. FLV millisecond timestamps are unwrapped across the 32-bit rollover and
    /// converted to the track timescale from the absolute value, so rounding never drifts.
    /// </summary>
    public void Add(uint timestampMs, int compositionMs, bool sync, ReadOnlySpan<byte> payload)
    {
        _extendedMs = _hasTimestamp ? _extendedMs + (int)(timestampMs - _lastMs) : timestampMs;
        _hasTimestamp = true;
        _lastMs = timestampMs;

        if (Count == _samples.Length)
        {
            Array.Resize(ref _samples, _samples.Length * 2);
        }
        if (DataLength + payload.Length > _data.Length)
        {
            Array.Resize(ref _data, Math.Max(_data.Length * 2, DataLength + payload.Length));
        }
        payload.CopyTo(_data.AsSpan(DataLength));
        var scale = (long)Config.Timescale;
        _samples[Count++] = new Sample(
            Math.Max(0, _extendedMs * scale / 1000),
            (int)(compositionMs * scale / 1000),
            payload.Length,
            sync);
        DataLength += payload.Length;
    }

    public void Clear()
    {
        Count = 0;
        DataLength = 0;
    }

    /// <summary>
    /// Sample i lasts until sample i+1 starts. The last sample, and any sample followed by a
    /// backward timestamp jump, repeats <paramref name="previous"/> to keep the track moving.
    /// </summary>
    public uint Duration(int index, uint previous)
    {
        if (index + 1 < Count)
        {
            var delta = _samples[index + 1].Dts - _samples[index].Dts;
            if (delta > 0 && delta <= uint.MaxValue)
            {
                return (uint)delta;
            }
        }
        return previous;
    }

    /// <summary>What the first sample of a fragment falls back to: the last duration written, else a typical frame.</summary>
    public uint FallbackDuration => LastDuration != 0
        ? LastDuration
        : Config.Codec switch
        {
            Fmp4Codec.Aac => 1024,
            Fmp4Codec.Mp3 => 1152,
            _ => Config.Timescale / 25,
        };

    internal readonly record struct Sample(long Dts, int CompositionOffset, int Size, bool Sync);
}
