using System.Threading.Tasks.Sources;

namespace OrleansLive.GatewayEdge.Streams;

/// <summary>
/// A reusable wake-up for one waiting consumer, so a player's send loop can sleep between frames
/// without allocating a Task per frame. Set may be called from any thread, any number of times.
/// </summary>
public sealed class AsyncSignal : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private readonly object _gate = new();
    private bool _set;
    private bool _waiting;

    /// <summary>Completes when <see cref="Set"/> has been called since the last wait completed.</summary>
    public ValueTask WaitAsync()
    {
        lock (_gate)
        {
            if (_set)
            {
                _set = false;
                return ValueTask.CompletedTask;
            }
            if (_waiting)
            {
                throw new InvalidOperationException("AsyncSignal supports a single waiter.");
            }
            _waiting = true;
            _core.Reset();
            return new ValueTask(this, _core.Version);
        }
    }

    public void Set()
    {
        lock (_gate)
        {
            if (_waiting)
            {
                _waiting = false;
                _core.SetResult(true);
            }
            else
            {
                _set = true;
            }
        }
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
