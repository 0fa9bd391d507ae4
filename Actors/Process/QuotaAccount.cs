using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// A process's RAM and capability account. The process's actor moves quota at fork and reap; its program charges pages
/// as its address space grows, so the balance is updated atomically.
/// </summary>
/// <remarks>
/// Accounts form the process tree's hierarchy, and a page a process writes beyond its own balance is lent at once by
/// its parent's account (keeping the parent's reserve), or by its parent's parent, up to init's: a page write is
/// synchronous, so it cannot wait for a resource request's round trip (Linux charges a memory cgroup's ancestors the
/// same way). This is the one piece of state processes share; it changes only through interlocked operations. What was
/// lent comes back with the child's whole balance when it is reaped.
/// </remarks>
internal sealed class QuotaAccount
{
    private long _ram;
    private int _caps;
    private QuotaAccount? _parent;

    public QuotaAccount(Quota initial, QuotaAccount? parent = null, Quota keep = default)
    {
        _ram = initial.Ram;
        _caps = initial.Caps;
        _parent = parent;
        Keep = keep;
    }

    public Quota Balance => new(Interlocked.Read(ref _ram), Volatile.Read(ref _caps));

    /// <summary>What this account never lends to a child's page charges (its process's reserve).</summary>
    public Quota Keep { get; }

    public void Credit(Quota amount)
    {
        Interlocked.Add(ref _ram, amount.Ram);
        Interlocked.Add(ref _caps, amount.Caps);
    }

    /// <summary>Withdraw all of <paramref name="amount"/> or nothing, leaving at least <paramref name="keep"/>.</summary>
    public bool TryWithdraw(Quota amount, Quota keep = default)
    {
        if (!TryWithdrawRam(amount.Ram, keep.Ram)) return false;
        while (true)
        {
            var caps = Volatile.Read(ref _caps);
            if (caps - keep.Caps < amount.Caps)
            {
                Interlocked.Add(ref _ram, amount.Ram);
                return false;
            }

            if (Interlocked.CompareExchange(ref _caps, caps - amount.Caps, caps) == caps) return true;
        }
    }

    public bool TryWithdrawRam(long bytes, long keep = 0)
    {
        while (true)
        {
            var ram = Interlocked.Read(ref _ram);
            if (ram - keep < bytes) return false;
            if (Interlocked.CompareExchange(ref _ram, ram - bytes, ram) == ram) return true;
        }
    }

    /// <summary>
    /// Withdraw as much of <paramref name="most"/> as the balance has above <paramref name="keep"/>, each part at once:
    /// what was taken, which nothing else can spend any more.
    /// </summary>
    public Quota TakeUpTo(Quota most, Quota keep)
    {
        long ram;
        while (true)
        {
            var balance = Interlocked.Read(ref _ram);
            ram = Math.Clamp(balance - keep.Ram, 0, most.Ram);
            if (ram == 0 || Interlocked.CompareExchange(ref _ram, balance - ram, balance) == balance) break;
        }

        int caps;
        while (true)
        {
            var balance = Volatile.Read(ref _caps);
            caps = Math.Clamp(balance - keep.Caps, 0, most.Caps);
            if (caps == 0 || Interlocked.CompareExchange(ref _caps, balance - caps, balance) == balance) break;
        }

        return new Quota(ram, caps);
    }

    /// <summary>Charge <paramref name="bytes"/> of pages: from this balance, else lent by the nearest ancestor that has them.</summary>
    public bool TryCharge(long bytes) => TryWithdrawRam(bytes) || (Volatile.Read(ref _parent)?.TryLend(bytes) ?? false);

    /// <summary>
    /// The process ended: its children's page charges are lent by <paramref name="adopter"/> (init's account) from now on,
    /// as init takes over the children themselves.
    /// </summary>
    public void Retire(QuotaAccount adopter)
    {
        if (!ReferenceEquals(adopter, this)) Volatile.Write(ref _parent, adopter);
    }

    public Quota TakeAll()
    {
        var ram = Interlocked.Exchange(ref _ram, 0);
        var caps = Interlocked.Exchange(ref _caps, 0);
        return new Quota(ram, caps);
    }

    private bool TryLend(long bytes) => TryWithdrawRam(bytes, Keep.Ram) || (Volatile.Read(ref _parent)?.TryLend(bytes) ?? false);
}
