namespace Fork.Actors;

/// <summary>What the host runs as init: bound from the <c>Fork</c> section beside the runtime's limits.</summary>
public sealed class ForkHostOptions
{
    public const string Section = "Fork";

    /// <summary>The name of a built-in program (<c>--Fork:Program=NAME</c>).</summary>
    public string Program { get; set; } = "test-fork";

    public List<string> Args { get; set; } = [];

    public Dictionary<string, string> Environment { get; set; } = [];

    public string Cwd { get; set; } = "/";

    /// <summary>
    /// Where init's descriptors 0, 1 and 2 go: <c>null</c> (the default: /dev/null) or <c>console</c> (the host's standard
    /// input, output and error: <c>--Fork:Stdio=console</c>).
    /// </summary>
    public string Stdio { get; set; } = "null";

    /// <summary>
    /// The process tree of init's namespace (<c>--Fork:Tree=MODE</c>): <c>off</c> (the default: nothing), <c>final</c>
    /// (every process that lived, with how it ended, printed once init's namespace has ended) or <c>live</c> (redrawn in
    /// place every <see cref="TreeRefresh"/> while the program runs, then the final tree). The tree goes to standard
    /// output. When that is a terminal, <c>live</c> owns it: the console log shows only warnings and errors for the whole
    /// run, so that log lines do not tear the redrawn tree (use <c>final</c>, or redirect, to keep the log and the trace);
    /// output a program writes to the console itself (<see cref="Stdio"/> <c>console</c>) still interleaves. When
    /// standard output is redirected, <c>live</c> prints the final tree once as plain text, like <c>final</c>: no escapes,
    /// no redraws.
    /// </summary>
    public string Tree { get; set; } = "off";

    /// <summary>How often the <c>live</c> tree is redrawn (<c>--Fork:TreeRefresh=00:00:00.150</c>).</summary>
    public TimeSpan TreeRefresh { get; set; } = TimeSpan.FromMilliseconds(150);

    /// <summary>Whether <see cref="Tree"/> asks for a tree, so the runtime must keep its history.</summary>
    internal bool ShowsTree => Tree is "live" or "final";

    /// <summary>The problems of <see cref="Tree"/> and <see cref="TreeRefresh"/>, each a sentence naming its key.</summary>
    internal IEnumerable<string> TreeProblems()
    {
        if (!ShowsTree && Tree != "off") yield return $"{Section}:Tree must be off, live or final (was \"{Tree}\").";
        if (TreeRefresh <= TimeSpan.Zero) yield return $"{Section}:TreeRefresh must be positive (was {TreeRefresh}).";
    }

    /// <summary>The host's streams <see cref="Stdio"/> asks for, or null.</summary>
    public HostStreams? HostStreams() => Stdio == "console" ? Actors.HostStreams.Console() : null;

    public ProcessOptions ToProcessOptions() => new() { Binary = Program, Args = Args, Environment = Environment, Cwd = Cwd };
}
