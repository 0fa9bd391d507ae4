namespace Fork.Messages;

/// <summary>Signals with Linux numbering; <c>(Signal)0</c> is the existence check of kill.</summary>
public enum Signal
{
    SIGHUP = 1,
    SIGINT = 2,
    SIGQUIT = 3,
    SIGILL = 4,
    SIGTRAP = 5,
    SIGABRT = 6,
    SIGBUS = 7,
    SIGFPE = 8,
    SIGKILL = 9,
    SIGUSR1 = 10,
    SIGSEGV = 11,
    SIGUSR2 = 12,
    SIGPIPE = 13,
    SIGALRM = 14,
    SIGTERM = 15,
    SIGSTKFLT = 16,
    SIGCHLD = 17,
    SIGCONT = 18,
    SIGSTOP = 19,
    SIGTSTP = 20,
    SIGTTIN = 21,
    SIGTTOU = 22,
    SIGURG = 23,
    SIGXCPU = 24,
    SIGXFSZ = 25,
    SIGVTALRM = 26,
    SIGPROF = 27,
    SIGWINCH = 28,
    SIGIO = 29,
    SIGPWR = 30,
    SIGSYS = 31,
}

/// <summary>What a signal does to a process that has not installed a handler.</summary>
public enum SignalAction { Terminate, TerminateWithCore, Ignore, Stop, Continue }

public static class Signals
{
    public const int Max = 31;

    public static bool IsValid(Signal signal) => signal is >= 0 and <= (Signal)Max;

    /// <summary>SIGKILL and SIGSTOP can be neither caught nor ignored (POSIX).</summary>
    public static bool CanBeCaught(Signal signal) => signal is not (Signal.SIGKILL or Signal.SIGSTOP);

    public static SignalAction DefaultAction(Signal signal) => signal switch
    {
        Signal.SIGQUIT or Signal.SIGILL or Signal.SIGTRAP or Signal.SIGABRT or Signal.SIGBUS
            or Signal.SIGFPE or Signal.SIGSEGV or Signal.SIGSYS or Signal.SIGXCPU or Signal.SIGXFSZ
            => SignalAction.TerminateWithCore,
        Signal.SIGCHLD or Signal.SIGURG or Signal.SIGWINCH => SignalAction.Ignore,
        Signal.SIGCONT => SignalAction.Continue,
        Signal.SIGSTOP or Signal.SIGTSTP or Signal.SIGTTIN or Signal.SIGTTOU => SignalAction.Stop,
        _ => SignalAction.Terminate,
    };
}
