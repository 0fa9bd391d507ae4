using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// A process's RAM and capability account. The process's actor moves quota at fork and reap;
/// its program charges pages as its address space grows, so the balance is updated atomically.
/// </summary>
internal sealed class QuotaAccount
{
    private long _ram;
    private int _caps;

    public QuotaAccount(Quota initial)
    {
        _ram = initial.Ram;
        _caps = initial.Caps;
    }

    public Quota Balance => new(Interlocked.Read(ref _ram), Volatile.Read(ref _caps));

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

    public Quota TakeAll()
    {
        var ram = Interlocked.Exchange(ref _ram, 0);
        var caps = Interlocked.Exchange(ref _caps, 0);
        return new Quota(ram, caps);
    }
}
