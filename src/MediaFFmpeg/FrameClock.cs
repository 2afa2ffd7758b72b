namespace OrleansLive.Media.FFmpeg;

/// <summary>
/// Output times of one transcoder. The first output frame takes the first input's time and each
/// further one adds its samples at the output rate, so output times never jitter with the input's.
/// Inputs are expected at that anchor plus the input durations so far; one that lands more than
/// <see cref="MaxJumpMs"/> off either way (a gap, DTX silence, a clock reset) starts a new timeline
/// anchored at its own time.
/// </summary>
internal sealed class FrameClock(int outputRate)
{
    public const int MaxJumpMs = 100;

    private bool _started;
    private long _anchorMs;
    private double _inputMs;
    private long _outputSamples;

    /// <summary>Takes an input's time; true when it starts a new timeline (the first input, or a jump),
    /// after which the caller drops audio buffered for the old one.</summary>
    public bool StartsOver(long timestampMs)
    {
        if (_started && Math.Abs(timestampMs - (_anchorMs + (long)Math.Round(_inputMs))) <= MaxJumpMs)
        {
            return false;
        }

        _started = true;
        _anchorMs = timestampMs;
        _inputMs = 0;
        _outputSamples = 0;
        return true;
    }

    /// <summary>Counts an input frame's duration, decoded or not: a dropped frame still took its slot.</summary>
    public void AddInput(int samples, int sampleRate)
    {
        if (sampleRate > 0)
        {
            _inputMs += samples * 1000.0 / sampleRate;
        }
    }

    /// <summary>The time of the next output frame of <paramref name="samples"/> samples.</summary>
    public long NextOutput(int samples)
    {
        var time = _anchorMs + (_outputSamples * 1000 / outputRate);
        _outputSamples += samples;
        return time;
    }
}
