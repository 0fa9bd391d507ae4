using System.Globalization;
using Akka.Actor;

namespace Fork.Actors;

/// <summary>
/// The trace's name of a runtime actor that this actor system has not met as a participant, read from its actor path:
/// an actor on another node (a remote child's process, the policy and clone service it talks to) or one not announced
/// yet. The names follow those the runtime gives its actors when it makes them (<c>pid2-1</c> and a core's <c>init</c>
/// are processes, <c>child-2-1</c> and <c>adopted-2-1</c> policies, <c>clone</c>, <c>rom-NAME</c> and
/// <c>parent-NAME</c> the services of the process above them, <c>namespace-1</c> a core, <c>/temp/libc2-NAME</c> a call
/// of pid 2's program made from another node), so a line reads the same on
/// either node: <c>ForkedChild 2 -> ProcessActor 2</c>, never <c>child-2-1 -> ProcessActor 2</c>.
/// </summary>
internal static class TraceNames
{
    private const string Process = nameof(ProcessActor);

    /// <summary>The role and pid <paramref name="path"/> names, or null when it names no actor of the runtime.</summary>
    public static string? Of(ActorPath path)
    {
        if (path.Elements.Count == 0) return null;
        var name = path.Name;
        if (Numbered(name, "pid") is { } pid) return $"{Process} {pid}";
        if (Numbered(name, "child-") is { } child) return $"{nameof(ForkedChild)} {child}";
        if (Numbered(name, "adopted-") is { } adopted) return $"{nameof(ForkedChild)} {adopted}";
        if (Numbered(name, "pipe-") is { } pipe) return $"pipe {pipe}";
        if (Numbered(name, "file-") is { } file) return $"file {file}";
        if (name == ForkSpawner.Name) return nameof(ForkSpawner);
        var parent = path.Parent;
        // A call of a program on another node, answered at a temporary actor there (Libc.RemoteCallPath).
        if (parent.Elements.Count == 1 && parent.Name == "temp" && Numbered(name, Libc.CallName, numberAfter: false) is { } caller) return $"Libc {caller}";
        if (parent.Elements.Count == 1 && parent.Name == "user" && name.StartsWith("namespace-", StringComparison.Ordinal)) return nameof(Core);
        if (name == "init" && Of(parent) == nameof(Core)) return $"{Process} 1";
        if (name == "fs" && Of(parent) == nameof(Core)) return "fs";
        if (Of(parent) is not { } owner || !owner.StartsWith(Process + " ", StringComparison.Ordinal)) return null;
        var ownerPid = owner[(Process.Length + 1)..];
        if (name == "clone") return $"{nameof(CloneService)} {ownerPid}";
        if (name.StartsWith("rom-", StringComparison.Ordinal)) return $"{nameof(LocalRomService)} {ownerPid}";
        if (name.StartsWith("parent-", StringComparison.Ordinal)) return $"{nameof(ParentService)} {ownerPid}";
        if (name == Libc.CallName) return $"Libc {ownerPid}";
        return null;
    }

    /// <summary>The number N of a name <c>PREFIXN-M</c> or <c>PREFIXN</c> (<c>PREFIXN-ANY</c> unless <paramref name="numberAfter"/>), or null.</summary>
    private static int? Numbered(string name, string prefix, bool numberAfter = true)
    {
        if (!name.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var rest = name.AsSpan(prefix.Length);
        var dash = rest.IndexOf('-');
        var number = dash < 0 ? rest : rest[..dash];
        var tail = dash < 0 ? [] : rest[(dash + 1)..];
        return int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
               && (dash < 0 || !numberAfter || int.TryParse(tail, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            ? n
            : null;
    }
}
