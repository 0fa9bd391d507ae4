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

    public ProcessOptions ToProcessOptions() => new() { Args = Args, Environment = Environment, Cwd = Cwd };
}
