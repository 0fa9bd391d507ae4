using System.Diagnostics;
using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// The activities of the <see cref="ActivitySource"/> named <c>Fork.Actors</c>: one per fork, exec, wait4 and kill. Each
/// is a child of the fork activity that made the process (init's, of the activity current when
/// <see cref="ForkRuntime.RunAsync(ProcessMain, ProcessOptions?, CancellationToken)"/> was called), so a process tree is
/// a trace tree.
/// </summary>
/// <remarks>
/// Actors do not flow <see cref="Activity.Current"/>: every parent is passed explicitly (<see cref="ProcessSetup.Origin"/>),
/// and an activity is never left current on an actor's thread (a program started there would inherit it). Without a
/// listener <c>StartActivity</c> is not even called: every call here returns null at the cost of one check, and no tag
/// is built.
/// </remarks>
internal static class ForkActivities
{
    public const string SourceName = "Fork.Actors";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>A fork of process <paramref name="ppid"/>, from its ForkRequest until the child is ready or the fork fails.</summary>
    public static Activity? StartFork(ActivityContext origin, int ppid, int pgid, string program)
    {
        if (Start("fork", origin) is not { } activity) return null;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("fork.ppid", ppid);
            activity.SetTag("fork.pgid", pgid);
            activity.SetTag("fork.program", program);
        }

        return activity;
    }

    /// <summary>The child's pid, once the namespace gave one.</summary>
    public static void Forked(Activity? fork, int pid)
    {
        if (fork is { IsAllDataRequested: true }) fork.SetTag("fork.pid", pid);
    }

    public static void ForkReady(Activity? fork)
    {
        if (fork is null) return;
        fork.SetTag("fork.outcome", "ready");
        End(fork);
    }

    public static void ForkFailed(Activity? fork, Errno errno, string reason)
    {
        if (fork is null) return;
        Failed(fork, errno, reason);
        End(fork);
    }

    /// <summary>An exec of process <paramref name="pid"/>: <paramref name="program"/> replaced its program.</summary>
    public static void Exec(ActivityContext origin, int pid, string previous, string program)
    {
        if (Start("exec", origin) is not { } activity) return;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("fork.pid", pid);
            activity.SetTag("fork.program", program);
            activity.SetTag("fork.exec.previous", previous);
            activity.SetTag("fork.outcome", "replaced");
        }

        End(activity);
    }

    /// <summary>A wait4 of process <paramref name="pid"/>, from its request until it is answered; null without a listener.</summary>
    public static Activity? StartWait(ActivityContext origin, int pid, Wait4 wait)
    {
        if (Start("wait4", origin) is not { } activity) return null;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("fork.pid", pid);
            activity.SetTag("fork.wait.selector", wait.Pid);
            activity.SetTag("fork.wait.options", wait.Options.ToString());
        }

        return activity;
    }

    public static void WaitAnswered(Activity? wait, in WaitResult result)
    {
        if (wait is null) return;
        if (wait.IsAllDataRequested)
        {
            wait.SetTag("fork.wait.result_pid", result.Pid);
            if (result.Pid > 0)
            {
                var status = result.Status;
                wait.SetTag("fork.wait.status", status.ToString());
                if (status.Exited) wait.SetTag("fork.exit_code", status.ExitCode);
                else if (status.Signaled) wait.SetTag("fork.signal", status.TermSignal.ToString());
                else if (status.Stopped) wait.SetTag("fork.signal", status.StopSignal.ToString());
            }
        }

        if (result.Error != Errno.None) Failed(wait, result.Error, null);
        End(wait);
    }

    /// <summary>A caught signal interrupted the parked wait: the program restarts it (a new wait4) or fails with EINTR.</summary>
    public static void WaitInterrupted(Activity? wait)
    {
        if (wait is null) return;
        wait.SetTag("fork.outcome", "interrupted");
        End(wait);
    }

    /// <summary>The waiting process ended while its wait was parked: nobody is answered.</summary>
    public static void WaitAbandoned(Activity? wait)
    {
        if (wait is null) return;
        wait.SetTag("fork.outcome", "abandoned");
        End(wait);
    }

    /// <summary>
    /// A kill by process <paramref name="pid"/>: the reference the core answers through instead of the caller (it ends the
    /// activity with the answer and passes the answer on), or null without a listener.
    /// </summary>
    public static IActorRef? StartKill(ActivityContext origin, int pid, KillProcess kill, IActorRef replyTo, IActorRefProvider provider)
    {
        if (Start("kill", origin) is not { } activity) return null;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("fork.pid", pid);
            activity.SetTag("fork.kill.target", kill.Pid);
            activity.SetTag("fork.signal", kill.Signal == 0 ? "0" : kill.Signal.ToString());
        }

        return new KillReply(activity, replyTo, provider);
    }

    /// <summary>
    /// The caller of a traced kill ended by its own signal before it could answer (a zombie gets the core's
    /// <see cref="SignalSent"/>): the signal went; nobody waits for the answer.
    /// </summary>
    public static void KillerEnded(IActorRef replyTo)
    {
        if (replyTo is not KillReply reply) return;
        reply.Activity.SetTag("fork.outcome", "delivered");
        reply.Activity.SetTag("fork.kill.caller_ended", true);
        End(reply.Activity);
    }

    private static void Failed(Activity activity, Errno errno, string? reason)
    {
        activity.SetStatus(ActivityStatusCode.Error, reason ?? errno.ToString());
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("fork.errno", errno.ToString());
            activity.SetTag("fork.outcome", "failed");
        }
    }

    /// <summary>Starts <paramref name="name"/> under <paramref name="parent"/> only, and leaves the thread's current activity as it was.</summary>
    private static Activity? Start(string name, ActivityContext parent)
    {
        if (!Source.HasListeners()) return null;
        var ambient = Activity.Current;
        // A default parent means a root, never whatever happens to be current on the actor's thread.
        if (ambient is not null) Activity.Current = null;
        var activity = Source.StartActivity(name, ActivityKind.Internal, parent);
        if (activity is not null || ambient is not null) Activity.Current = ambient;
        return activity;
    }

    /// <summary>Stops <paramref name="activity"/> without changing the current activity of the thread (Stop sets its parent).</summary>
    private static void End(Activity activity)
    {
        var ambient = Activity.Current;
        activity.Stop();
        if (!ReferenceEquals(Activity.Current, ambient)) Activity.Current = ambient;
    }

    /// <summary>
    /// Stands for the caller of a traced kill: the core answers here, the activity ends with the answer (delivered, or the
    /// errno), and the answer goes on to the caller with its sender. Used only while someone listens; a plain forward
    /// otherwise.
    /// </summary>
    private sealed class KillReply(Activity activity, IActorRef replyTo, IActorRefProvider provider) : MinimalActorRef
    {
        private readonly ActorPath _path = provider.TempPath();

        public Activity Activity { get; } = activity;

        public override ActorPath Path => _path;

        public override IActorRefProvider Provider => provider;

        protected override void TellInternal(object message, IActorRef sender)
        {
            switch (message)
            {
                case LibcError error:
                    Failed(Activity, error.Errno, error.Reason);
                    break;
                default:
                    Activity.SetTag("fork.outcome", "delivered");
                    break;
            }

            End(Activity);
            replyTo.Tell(message, sender);
        }
    }
}
