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

    /// <summary>The name of the main program's rw segment and ROM, whatever <see cref="Binary"/> says (Genode's name).</summary>
    public const string BinaryObject = "binary";

    /// <summary>The loaded objects as the address space and the ROM service name them: the program's own is "binary".</summary>
    internal IReadOnlyList<string> LoadedObjects => [BinaryObject, .. Libraries];

    /// <summary>Every problem of this image, each as a sentence naming the option.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Binary) || Libraries.Any(string.IsNullOrWhiteSpace)) problems.Add("Binary and Libraries must name every object (an empty name was given).");
        else if (LoadedObjects.Distinct(StringComparer.Ordinal).Count() != LoadedObjects.Count) problems.Add($"Libraries must name each object once, and none \"{BinaryObject}\" (the program's own).");
        else
        {
            try
            {
                MemoryLayout.RwSegments(LoadedObjects);
            }
            catch (ArgumentException e)
            {
                problems.Add(e.Message);
            }
        }

        if (string.IsNullOrEmpty(Cwd) || !Cwd.StartsWith('/')) problems.Add($"Cwd must be an absolute path (was \"{Cwd}\").");
        else if (Paths.Problem(Cwd, out var reason) != Fork.Messages.Errno.None) problems.Add($"Cwd is not a valid path: {reason}.");
        if (Args.Any(a => a is null || a.Contains('\0'))) problems.Add("Args cannot contain null or NUL.");
        if (Environment.Any(e => string.IsNullOrEmpty(e.Key) || e.Key.Contains('=') || e.Key.Contains('\0') || e.Value is null || e.Value.Contains('\0')))
            problems.Add("Environment keys must be non-empty without '=' or NUL, and values non-null without NUL.");
        return problems;
    }
}
