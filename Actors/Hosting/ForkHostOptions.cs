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

    /// <summary>The host's streams <see cref="Stdio"/> asks for, or null.</summary>
    public HostStreams? HostStreams() => Stdio == "console" ? Actors.HostStreams.Console() : null;

    public ProcessOptions ToProcessOptions() => new() { Binary = Program, Args = Args, Environment = Environment, Cwd = Cwd };
}
