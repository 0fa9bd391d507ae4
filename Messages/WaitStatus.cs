namespace Fork.Messages;

/// <summary>The status word of wait4, with Linux's encoding.</summary>
public readonly record struct WaitStatus(int Raw)
{
    private const int CoreFlag = 0x80;

    /// <summary>POSIX: only the low 8 bits of the exit code reach the parent.</summary>
    public static WaitStatus FromExit(int code) => new((code & 0xff) << 8);

    public static WaitStatus FromSignal(Signal signal, bool coreDumped) =>
        new(((int)signal & 0x7f) | (coreDumped ? CoreFlag : 0));

    public static WaitStatus FromStop(Signal signal) => new(0x7f | ((int)signal << 8));

    public static WaitStatus ContinuedStatus { get; } = new(0xffff);

    public bool Exited => (Raw & 0x7f) == 0;
    public int ExitCode => (Raw >> 8) & 0xff;
    public bool Signaled => (Raw & 0x7f) is not (0 or 0x7f);
    public Signal TermSignal => (Signal)(Raw & 0x7f);
    public bool CoreDumped => Signaled && (Raw & CoreFlag) != 0;
    public bool Stopped => (Raw & 0xff) == 0x7f;
    public Signal StopSignal => (Signal)((Raw >> 8) & 0xff);
    public bool Continued => Raw == 0xffff;

    public override string ToString() => this switch
    {
        { Exited: true } => $"exited({ExitCode})",
        { Continued: true } => "continued",
        { Stopped: true } => $"stopped({StopSignal})",
        { Signaled: true } => CoreDumped ? $"killed({TermSignal}, core)" : $"killed({TermSignal})",
        _ => $"0x{Raw:x}",
    };
}
