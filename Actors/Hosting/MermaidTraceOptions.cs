using Microsoft.Extensions.Configuration;

namespace Fork.Actors;

/// <summary>
/// Where the host writes the trace as a Mermaid sequence diagram: <c>--Fork:Trace:Mermaid=PATH</c> (a <c>.md</c> path
/// gets the diagram in a fenced block, any other the bare diagram), of the first fork of the run by default or of the
/// whole run with <c>--Fork:Trace:Mermaid:Scope=run</c>.
/// </summary>
public sealed record MermaidTraceOptions(string? Path, MermaidScope Scope)
{
    public const string Key = "Trace:Mermaid";

    /// <summary>The options in a <c>Fork</c> section, or the problem that keeps them from being read.</summary>
    public static (MermaidTraceOptions Options, string? Problem) From(IConfiguration section)
    {
        var path = section[Key];
        var scope = section[$"{Key}:Scope"];
        if (path is { Length: 0 } || (path is null && scope is not null))
            return (new(null, MermaidScope.FirstFork), $"{ForkHostOptions.Section}:{Key} must name the file to write the diagram to.");
        return scope?.ToLowerInvariant() switch
        {
            null or "fork" => (new(path, MermaidScope.FirstFork), null),
            "run" => (new(path, MermaidScope.Run), null),
            _ => (new(path, MermaidScope.FirstFork), $"{ForkHostOptions.Section}:{Key}:Scope must be fork or run (was \"{scope}\")."),
        };
    }

    /// <summary>The records to draw, the diagram, and the file's text (fenced when the path ends in <c>.md</c>).</summary>
    public string? Render(IReadOnlyList<TraceRecord> records)
    {
        var drawn = Scope == MermaidScope.Run ? records : MermaidDiagram.FirstFork(records);
        if (drawn.Count == 0) return null;
        var diagram = MermaidDiagram.Render(drawn);
        return Path?.EndsWith(".md", StringComparison.OrdinalIgnoreCase) == true ? $"```mermaid\n{diagram.TrimEnd()}\n```\n" : diagram;
    }
}
