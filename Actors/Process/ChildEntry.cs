using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>A process's record of one forked child: what wait4 selects on and reports.</summary>
internal sealed class ChildEntry(int pid, IActorRef policy, int pgid)
{
    public int Pid { get; } = pid;

    /// <summary>The child's ForkedChild.</summary>
    public IActorRef Policy { get; } = policy;

    public int Pgid { get; set; } = pgid;

    /// <summary>Set once the child ended: a zombie until reaped.</summary>
    public ChildExited? Exit { get; set; }

    /// <summary>Order of exits, so wait4(-1) reaps the longest-dead zombie first.</summary>
    public long ExitSequence { get; set; }

    /// <summary>A stop or continue not yet reported by wait4 (WUNTRACED / WCONTINUED).</summary>
    public WaitStatus? Report { get; set; }

    public bool Matches(int selector, int callerPgid) => selector switch
    {
        > 0 => Pid == selector,
        -1 => true,
        0 => Pgid == callerPgid,
        int.MinValue => false,
        _ => Pgid == -selector,
    };
}
