namespace Fork.Actors;

/// <summary>
/// A process's descriptor table: descriptor numbers to the open file descriptions they name (the namespace's file system
/// keeps the descriptions). POSIX: a new descriptor is the lowest one not open. A plain class beside the process, with
/// its own specs; an array indexed by descriptor, grown as needed up to <see cref="Limit"/>.
/// </summary>
internal sealed class DescriptorTable
{
    public const int Limit = 1024;

    private Descriptor?[] _slots = new Descriptor?[4];

    public int Count { get; private set; }

    public bool Contains(int fd) => TryGet(fd, out _);

    public bool TryGet(int fd, out Descriptor descriptor)
    {
        descriptor = fd >= 0 && fd < _slots.Length ? _slots[fd]! : null!;
        return descriptor is not null;
    }

    /// <summary>The lowest descriptor not open, now naming <paramref name="description"/>; null when all <see cref="Limit"/> are open (EMFILE).</summary>
    public int? Allocate(long description, bool closeOnExec)
    {
        for (var fd = 0; fd < Limit; fd++)
        {
            if (fd < _slots.Length && _slots[fd] is not null) continue;
            Set(fd, new Descriptor(description, closeOnExec));
            return fd;
        }

        return null;
    }

    /// <summary>Descriptor <paramref name="fd"/> names <paramref name="descriptor"/> (a descriptor given at start or inherited).</summary>
    public void Set(int fd, Descriptor descriptor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fd);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(fd, Limit);
        if (fd >= _slots.Length) Array.Resize(ref _slots, Math.Min(Limit, Math.Max(fd + 1, _slots.Length * 2)));
        if (_slots[fd] is null) Count++;
        _slots[fd] = descriptor;
    }

    public bool Remove(int fd, out Descriptor descriptor)
    {
        if (!TryGet(fd, out descriptor)) return false;
        _slots[fd] = null;
        Count--;
        return true;
    }

    /// <summary>The open descriptors in ascending order.</summary>
    public IEnumerable<(int Fd, Descriptor Descriptor)> Open()
    {
        for (var fd = 0; fd < _slots.Length; fd++)
            if (_slots[fd] is { } descriptor) yield return (fd, descriptor);
    }

    /// <summary>Close every descriptor (the process ended): what they named, for the file system to release.</summary>
    public IReadOnlyList<Descriptor> TakeAll()
    {
        var all = new List<Descriptor>(Count);
        foreach (var (_, descriptor) in Open()) all.Add(descriptor);
        Array.Clear(_slots);
        Count = 0;
        return all;
    }
}
