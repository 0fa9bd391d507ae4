using Akka.Actor;

namespace Fork.Actors;

/// <summary>
/// A process's descriptor table: descriptor numbers to the open file descriptions they name (the namespace's file system
/// keeps the descriptions). POSIX: a new descriptor is the lowest one not open. An array indexed by descriptor, grown as
/// needed up to <see cref="Limit"/>.
/// </summary>
/// <remarks>
/// Shared by a process's actor (boot, fork, exit) and its program's libc, which looks a descriptor up and sends the call
/// straight to the actor that serves it: a read or write is then one message to that actor and one back, where going
/// through the process cost a third (measured with the bench's pool and pipe measurements). Every member takes the
/// table's lock; it is held for a few instructions and contended only when a program forks or ends.
/// </remarks>
internal sealed class DescriptorTable
{
    public const int Limit = 1024;

    private readonly Lock _gate = new();
    private Descriptor?[] _slots = new Descriptor?[4];
    private int _count;
    private bool _closed;

    public int Count
    {
        get { lock (_gate) return _count; }
    }

    public bool Contains(int fd) => TryGet(fd, out _);

    public bool TryGet(int fd, out Descriptor descriptor)
    {
        lock (_gate) descriptor = fd >= 0 && fd < _slots.Length ? _slots[fd]! : null!;
        return descriptor is not null;
    }

    /// <summary>
    /// The lowest descriptor not open, now naming <paramref name="description"/>; null when all <see cref="Limit"/> are
    /// open (EMFILE), or when the process has ended and its table is closed.
    /// </summary>
    public int? Allocate(long description, bool closeOnExec, IActorRef? server = null, IDirectServer? direct = null)
    {
        lock (_gate)
        {
            if (_closed) return null;
            for (var fd = 0; fd < Limit; fd++)
            {
                if (fd < _slots.Length && _slots[fd] is not null) continue;
                SetLocked(fd, new Descriptor(description, closeOnExec, server, direct));
                return fd;
            }
        }

        return null;
    }

    /// <summary>True when the process ended and its descriptors were taken: nothing can be opened any more.</summary>
    public bool IsClosed
    {
        get { lock (_gate) return _closed; }
    }

    /// <summary>Descriptor <paramref name="fd"/> names <paramref name="descriptor"/> (a descriptor given at start or inherited).</summary>
    public void Set(int fd, Descriptor descriptor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fd);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(fd, Limit);
        lock (_gate) SetLocked(fd, descriptor);
    }

    /// <summary>
    /// dup2: descriptor <paramref name="fd"/> names <paramref name="descriptor"/> now, in one step; what it named before
    /// (null if it was not open) is returned for the caller to close. False when the process has ended.
    /// </summary>
    public bool Replace(int fd, Descriptor descriptor, out Descriptor? replaced)
    {
        lock (_gate)
        {
            replaced = null;
            if (_closed) return false;
            if (fd < _slots.Length) replaced = _slots[fd];
            SetLocked(fd, descriptor);
            return true;
        }
    }

    /// <summary>Set or clear close-on-exec of an open descriptor; false when it is not open.</summary>
    public bool SetCloseOnExec(int fd, bool closeOnExec)
    {
        lock (_gate)
        {
            if (fd < 0 || fd >= _slots.Length || _slots[fd] is not { } descriptor) return false;
            _slots[fd] = descriptor with { CloseOnExec = closeOnExec };
            return true;
        }
    }

    public bool Remove(int fd, out Descriptor descriptor)
    {
        lock (_gate)
        {
            descriptor = fd >= 0 && fd < _slots.Length ? _slots[fd]! : null!;
            if (descriptor is null) return false;
            _slots[fd] = null;
            _count--;
            return true;
        }
    }

    /// <summary>The open descriptors in ascending order (a copy, taken under the lock).</summary>
    public IReadOnlyList<(int Fd, Descriptor Descriptor)> Open()
    {
        lock (_gate)
        {
            var open = new List<(int, Descriptor)>(_count);
            for (var fd = 0; fd < _slots.Length; fd++)
                if (_slots[fd] is { } descriptor) open.Add((fd, descriptor));
            return open;
        }
    }

    /// <summary>Close every descriptor for good (the process ended): what they named, for the file system to release.</summary>
    public IReadOnlyList<Descriptor> TakeAll()
    {
        lock (_gate)
        {
            var all = new List<Descriptor>(_count);
            foreach (var descriptor in _slots)
                if (descriptor is not null) all.Add(descriptor);
            Array.Clear(_slots);
            _count = 0;
            _closed = true;
            return all;
        }
    }

    private void SetLocked(int fd, Descriptor descriptor)
    {
        if (fd >= _slots.Length) Array.Resize(ref _slots, Math.Min(Limit, Math.Max(fd + 1, _slots.Length * 2)));
        if (_slots[fd] is null) _count++;
        _slots[fd] = descriptor;
    }
}
