using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// The libc calls a running program makes of its process; those the core answers (kill, process groups)
// and those the file system answers (read, write, seek) are forwarded, so the reply goes straight back.
internal sealed partial class ProcessActor
{
    private bool OnLibc(object message)
    {
        switch (message)
        {
            case GetPpid: Sender.Tell(new LibcOk(_ppid)); return true;
            case ForkRequest fork: Handle(fork); return true;
            case Wait4 wait: Handle(wait); return true;
            case CancelWait cancel: Handle(cancel); return true;
            case Interrupt: InterruptWait(Sender); return true;
            case KillProcess kill: Handle(kill); return true;
            case SetPgid set: _setup.Core.Forward(new SetPgidRequest(Pid, set.Pid, set.Pgid)); return true;
            case GetPgrp: Sender.Tell(new LibcOk(_pgid)); return true;
            case OpenSession open: _policy.Tell(new SessionRequest(open.Service, "", Quota.Zero), Sender); return true;
            case ProgramEnded ended: Handle(ended); return true;
            case ExecRequest exec: Handle(exec); return true;
            default: return false;
        }
    }
}
