using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// Quota: a process that lacks what a call needs asks its parent, which gives it or asks its own parent,
// up to init; what init lacks is denied.
internal sealed partial class ProcessActor
{
    private readonly Dictionary<long, PendingQuota> _quotaRequests = [];
    private long _quotaRequestIds;

    /// <summary>
    /// Take <paramref name="need"/> to pass on, keeping this process's reserve. What the account has is taken at once and
    /// held for the request, and only the rest is asked of the parent: the grant and what was taken make the need, so
    /// nothing that spends from the account meanwhile (another fork, a child's pages it lends) can leave it short.
    /// </summary>
    private void WithQuota(Quota need, Action granted, Action<string> denied)
    {
        var taken = _account.TakeUpTo(need, keep: _setup.Reserve);
        if (taken == need)
        {
            granted();
            return;
        }

        var id = ++_quotaRequestIds;
        _quotaRequests[id] = new PendingQuota(need, taken, granted, denied);
        _policy.Tell(new ResourceRequest(need - taken, id));
    }

    private void Handle(ResourceGranted granted)
    {
        if (!_quotaRequests.Remove(granted.RequestId, out var pending))
        {
            _account.Credit(granted.Amount);
            return;
        }

        var held = pending.Taken + granted.Amount;
        if (held.Ram >= pending.Need.Ram && held.Caps >= pending.Need.Caps)
        {
            _account.Credit(held - pending.Need);
            pending.Granted();
            return;
        }

        _account.Credit(held);
        pending.Denied($"process {Pid} was granted {granted.Amount} of the {pending.Missing} it asked for");
    }

    private void Handle(ResourceDenied denied)
    {
        if (!_quotaRequests.Remove(denied.RequestId, out var pending)) return;
        _account.Credit(pending.Taken);
        pending.Denied(denied.Reason);
    }

    /// <summary>The process ended with requests unanswered: what they held goes back to its account (and so to its parent).</summary>
    private void AbandonQuotaRequests()
    {
        foreach (var pending in _quotaRequests.Values) _account.Credit(pending.Taken);
        _quotaRequests.Clear();
    }

    /// <summary>A child's ForkedChild asks for more: give exactly what is asked, asking upward first if needed.</summary>
    private void Handle(ResourceRequest request)
    {
        var child = Sender;
        WithQuota(request.Amount,
            granted: () => child.Tell(new ResourceGranted(request.Amount, request.RequestId)),
            denied: reason => child.Tell(new ResourceDenied(request.Amount, request.RequestId, reason)));
    }

    private sealed record PendingQuota(Quota Need, Quota Taken, Action Granted, Action<string> Denied)
    {
        public Quota Missing => Need - Taken;
    }
}
