using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// A process's forked children and what wait4 may report of them (Genode keeps its Forked_child registry in the libc
/// kernel; here it is a plain class beside the actor, as Akka keeps ChildrenContainer beside ActorCell). It decides what
/// a wait4 gets; the actor carries the decision out.
/// </summary>
internal sealed class ChildRegistry
{
    /// <summary>The wait4 option bits there are; any other is EINVAL (POSIX; Genode 2019 ignored them).</summary>
    public const WaitOptions KnownOptions = WaitOptions.WNOHANG | WaitOptions.WUNTRACED | WaitOptions.WCONTINUED;

    private readonly Dictionary<int, ChildEntry> _children = [];
    private long _exitSequence;

    public int Count => _children.Count;

    public IEnumerable<ChildEntry> All => _children.Values;

    public ChildEntry Add(int pid, IActorRef policy, int pgid) => _children[pid] = new ChildEntry(pid, policy, pgid);

    public bool TryGet(int pid, out ChildEntry child) => _children.TryGetValue(pid, out child!);

    public ChildEntry? ByPolicy(IActorRef policy) => _children.Values.FirstOrDefault(c => c.Policy.Equals(policy));

    /// <summary>A child ended: it is a zombie until reaped. False for a child not here or already ended.</summary>
    public bool Exited(ChildExited exited)
    {
        if (!_children.TryGetValue(exited.Pid, out var child) || child.Exit is not null) return false;
        child.Exit = exited;
        child.ExitSequence = ++_exitSequence;
        child.Report = null;
        return true;
    }

    /// <summary>A child stopped or continued: wait4 reports it once (WUNTRACED / WCONTINUED). False for a child not here or ended.</summary>
    public bool StateChanged(int pid, WaitStatus status)
    {
        if (!_children.TryGetValue(pid, out var child) || child.Exit is not null) return false;
        child.Report = status;
        return true;
    }

    public void GroupChanged(int pid, int pgid)
    {
        if (_children.TryGetValue(pid, out var child)) child.Pgid = pgid;
    }

    /// <summary>
    /// What wait4(<paramref name="selector"/>, <paramref name="options"/>) gets now, for a caller in group
    /// <paramref name="callerPgid"/>: the longest-dead matching zombie first, then a stop or continue to report.
    /// A report is consumed here; a zombie is removed only by <see cref="Remove"/>, when the caller reaps it.
    /// </summary>
    public WaitDecision Decide(int selector, WaitOptions options, int callerPgid)
    {
        ChildEntry? zombie = null, reported = null;
        var any = false;
        foreach (var child in _children.Values)
        {
            if (!child.Matches(selector, callerPgid)) continue;
            any = true;
            if (child.Exit is not null)
            {
                if (zombie is null || child.ExitSequence < zombie.ExitSequence) zombie = child;
            }
            else if (reported is null && child.Report is { } report
                     && options.HasFlag(report.Stopped ? WaitOptions.WUNTRACED : WaitOptions.WCONTINUED))
            {
                reported = child;
            }
        }

        // POSIX: no matching child is ECHILD at once (Genode 2019 blocked forever).
        if (!any) return WaitDecision.NoChild;
        if (zombie is not null) return new WaitDecision(WaitOutcome.Reap, zombie);
        if (reported is not null)
        {
            var status = reported.Report!.Value;
            reported.Report = null;
            return new WaitDecision(WaitOutcome.Report, reported, status);
        }

        // POSIX: WNOHANG with nothing to report returns 0 and leaves the status alone (Genode: -1).
        return options.HasFlag(WaitOptions.WNOHANG) ? WaitDecision.Nothing : WaitDecision.Block;
    }

    public ChildEntry? Remove(int pid) => _children.Remove(pid, out var child) ? child : null;

    /// <summary>Every child that has ended and is not yet reaped, longest-dead first.</summary>
    public IReadOnlyList<ChildEntry> Zombies() => [.. _children.Values.Where(c => c.Exit is not null).OrderBy(c => c.ExitSequence)];

    /// <summary>Hand every child over (the process ends and init adopts them).</summary>
    public IReadOnlyList<ChildEntry> TakeAll()
    {
        var all = _children.Values.ToList();
        _children.Clear();
        return all;
    }
}

internal enum WaitOutcome { Reap, Report, Nothing, NoChild, Block }

/// <summary>What a wait4 gets: a zombie to reap, a stop or continue to report (with its status), 0, ECHILD, or to block.</summary>
internal readonly record struct WaitDecision(WaitOutcome Outcome, ChildEntry? Child = null, WaitStatus Status = default)
{
    public static WaitDecision Nothing { get; } = new(WaitOutcome.Nothing);

    public static WaitDecision NoChild { get; } = new(WaitOutcome.NoChild);

    public static WaitDecision Block { get; } = new(WaitOutcome.Block);
}
