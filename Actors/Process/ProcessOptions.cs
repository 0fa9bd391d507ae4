namespace Fork.Actors;

/// <summary>Init's image; forked children inherit theirs from their parent.</summary>
public sealed record ProcessOptions
{
    public string Binary { get; init; } = "binary";

    /// <summary>Shared objects loaded beside the binary; each has an rw segment and a ROM served to children.</summary>
    public IReadOnlyList<string> Libraries { get; init; } = ["ld.lib.so", "libc.lib.so"];

    public IReadOnlyList<string> Args { get; init; } = [];

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public string Cwd { get; init; } = "/";

    public ProcessOptions WithArgs(params string[] args) => this with { Args = args };

    public ProcessOptions WithEnvironment(string key, string value) =>
        this with { Environment = new Dictionary<string, string>(Environment) { [key] = value } };

    internal IReadOnlyList<string> LoadedObjects => [Binary, .. Libraries];
}
