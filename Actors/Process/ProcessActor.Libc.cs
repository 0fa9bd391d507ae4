using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// The libc calls a running program makes of its process; those the core answers (kill, process groups)
// and those the file system answers (read, write, seek) are forwarded, so the reply goes straight back.
internal sealed partial class ProcessActor
{
    private void ReceiveLibc()
    {
        Receive<GetPpid>(_ => Sender.Tell(new LibcOk(_ppid)));
        Receive<ForkRequest>(Handle);
        Receive<Wait4>(Handle);
        Receive<CancelWait>(Handle);
        Receive<KillProcess>(kill => _setup.Core.Forward(new KillRequest(Pid, kill.Pid, kill.Signal)));
        Receive<SetPgid>(set => _setup.Core.Forward(new SetPgidRequest(Pid, set.Pid, set.Pgid)));
        Receive<GetPgrp>(_ => Sender.Tell(new LibcOk(_pgid)));
        Receive<OpenSession>(open => _policy.Tell(new SessionRequest(open.Service, "", Quota.Zero), Sender));
        Receive<ProgramEnded>(Handle);
        ReceiveFiles();
    }
}
