using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// Quota: a process that lacks what a call needs asks its parent, which gives it or asks its own parent,
// up to init; what init lacks is denied.
internal sealed partial class ProcessActor
{
    private readonly Dictionary<long, PendingQuota> _quotaRequests = [];
    private long _quotaRequestIds;

    /// <summary>Take <paramref name="need"/> to pass on, keeping this process's reserve; ask the parent for what is missing.</summary>
    private void WithQuota(Quota need, Action granted, Action<string> denied)
    {
        var reserve = _setup.Reserve;
        if (_account.TryWithdraw(need, keep: reserve))
        {
            granted();
            return;
        }

        var balance = _account.Balance;
        var missing = new Quota(
            Math.Max(0, need.Ram + reserve.Ram - balance.Ram),
            Math.Max(0, need.Caps + reserve.Caps - balance.Caps));
        var id = ++_quotaRequestIds;
        _quotaRequests[id] = new PendingQuota(need, missing, granted, denied);
        _policy.Tell(new ResourceRequest(missing, id));
    }

    private void Handle(ResourceGranted granted)
    {
        _account.Credit(granted.Amount);
        if (!_quotaRequests.Remove(granted.RequestId, out var pending)) return;
        if (_account.TryWithdraw(pending.Need, keep: _setup.Reserve)) pending.Granted();
        else pending.Denied($"process {Pid} has {_account.Balance}, keeps {_setup.Reserve} and needs {pending.Need}");
    }

    private void Handle(ResourceDenied denied)
    {
        if (_quotaRequests.Remove(denied.RequestId, out var pending)) pending.Denied(denied.Reason);
    }

    /// <summary>A child's ForkedChild asks for more: give exactly what is asked, asking upward first if needed.</summary>
    private void Handle(ResourceRequest request)
    {
        var child = Sender;
        WithQuota(request.Amount,
            granted: () => child.Tell(new ResourceGranted(request.Amount, request.RequestId)),
            denied: reason => child.Tell(new ResourceDenied(request.Amount, request.RequestId, reason)));
    }

    private sealed record PendingQuota(Quota Need, Quota Missing, Action Granted, Action<string> Denied);
}
