using Fork.Actors;

namespace Fork.Tests;

/// <summary>
/// A clock that moves only when a test says so: timers fire on <see cref="Advance"/>. Like .NET's own timers it refuses
/// a due time beyond 0xfffffffe ms (about 49.7 days), so a runtime that arms one that long fails here as it would live.
/// </summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private static readonly TimeSpan LongestDueTime = TimeSpan.FromMilliseconds(0xfffffffe);

    private readonly Lock _lock = new();
    private readonly List<Timer> _timers = [];
    private readonly TaskCompletionSource _timerCreated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _armed = new(0);
    private DateTimeOffset _now = start;

    /// <summary>Completes once a timer has been created (a process is sleeping).</summary>
    public Task TimerCreated => _timerCreated.Task;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock) return _now;
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dueTime, LongestDueTime);
        ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, Timeout.InfiniteTimeSpan);
        var timer = new Timer(this, callback, state);
        lock (_lock)
        {
            timer.Due = dueTime < TimeSpan.Zero || dueTime >= DateTimeOffset.MaxValue - _now ? DateTimeOffset.MaxValue : _now + dueTime;
            _timers.Add(timer);
        }

        _timerCreated.TrySetResult();
        _armed.Release();
        return timer;
    }

    /// <summary>Completes once a timer is armed that was not yet waited for (one per timer created).</summary>
    public Task NextTimer(CancellationToken cancellationToken = default) => _armed.WaitAsync(cancellationToken);

    /// <summary>Completes when at least one timer is armed and not yet fired (at once if one is).</summary>
    public async Task TimerPending(CancellationToken cancellationToken = default)
    {
        while (PendingTimers == 0) await _armed.WaitAsync(cancellationToken);
    }

    /// <summary>Timers armed and not yet fired or disposed.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_lock) return _timers.Count;
        }
    }

    public void Advance(TimeSpan by)
    {
        List<Timer> due;
        lock (_lock)
        {
            _now = by >= DateTimeOffset.MaxValue - _now ? DateTimeOffset.MaxValue : _now + by;
            due = _timers.Where(t => t.Due <= _now).ToList();
            _timers.RemoveAll(due.Contains);
        }

        foreach (var timer in due) timer.Fire();
    }

    private sealed class Timer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset Due { get; set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period) => false;

        public void Dispose()
        {
            lock (owner._lock) owner._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
