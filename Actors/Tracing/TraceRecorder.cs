namespace Fork.Actors;

/// <summary>
/// Collects the trace records of one actor system from <see cref="ForkTracing.StartRecording"/> until it is disposed:
/// what the Mermaid renderer draws. While a recorder is open the runtime traces every message, as with the
/// <c>Fork.Trace</c> category at Debug.
/// </summary>
public sealed class TraceRecorder : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<TraceRecord> _records = [];
    private readonly Action<TraceRecorder> _closed;
    private bool _disposed;

    internal TraceRecorder(Action<TraceRecorder> closed) => _closed = closed;

    /// <summary>The records so far, in the order they were received (by <see cref="TraceRecord.Sequence"/>).</summary>
    public IReadOnlyList<TraceRecord> Records
    {
        get
        {
            lock (_gate) return [.. _records.OrderBy(r => r.Sequence)];
        }
    }

    internal void Add(TraceRecord record)
    {
        lock (_gate)
        {
            if (!_disposed) _records.Add(record);
        }
    }

    /// <summary>Stop recording; <see cref="Records"/> keeps what was recorded.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }

        _closed(this);
    }
}
