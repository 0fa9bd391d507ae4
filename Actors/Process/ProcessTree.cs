using System.Text;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>A process and the processes it forked (its children), in the order they were given.</summary>
public sealed record ProcessTreeNode(ProcessInfo Process, IReadOnlyList<ProcessTreeNode> Children);

/// <summary>
/// Process trees from lists of <see cref="ProcessInfo"/> (<see cref="ForkRuntime.Processes"/> or
/// <see cref="ForkRuntime.History"/>), and their plain text: one process a line, indented under its parent as
/// <c>pstree -A</c> draws it.
/// </summary>
public static class ProcessTree
{
    /// <summary>
    /// The trees of <paramref name="processes"/>, one per root (a process whose parent is not in the list: init), by
    /// namespace. Children keep the order of the list. A pid listed twice (reused after wrap-around, in a history) is
    /// two processes: a child belongs to the last one of its parent's pid listed before it (a history is in birth order).
    /// </summary>
    public static IReadOnlyList<ProcessTreeNode> Build(IEnumerable<ProcessInfo> processes)
    {
        var list = processes.ToList();
        var children = list.Select(_ => new List<ProcessTreeNode>()).ToList();
        var nodes = list.Select((p, i) => new ProcessTreeNode(p, children[i])).ToList();
        var byPid = list.Select((p, i) => (p, i)).ToLookup(x => (x.p.Namespace, x.p.Pid), x => x.i);
        var roots = new List<ProcessTreeNode>();
        for (var i = 0; i < list.Count; i++)
        {
            var candidates = byPid[(list[i].Namespace, list[i].Ppid)].Where(j => j != i).ToList();
            if (candidates.Count == 0) roots.Add(nodes[i]);
            else children[candidates.LastOrDefault(j => j < i, candidates[0])].Add(nodes[i]);
        }

        return [.. roots.OrderBy(r => r.Process.Namespace)];
    }

    /// <summary>
    /// The plain text of the trees of <paramref name="processes"/>, one process a line (see <see cref="Label"/>), each
    /// child under its parent with <c>|- </c> or <c>`- </c> (the last): no color, no escape, for a log or a pipe.
    /// With more than one namespace, each starts with a line <c>namespace N</c>. A process on another node than its
    /// tree's root ends its line with <c>on NODE</c>.
    /// </summary>
    public static string Format(IEnumerable<ProcessInfo> processes)
    {
        var roots = Build(processes);
        var namespaces = roots.Select(r => r.Process.Namespace).Distinct().Count();
        var text = new StringBuilder();
        int? current = null;
        foreach (var root in roots)
        {
            if (namespaces > 1 && root.Process.Namespace != current) text.Append("namespace ").Append(root.Process.Namespace).Append('\n');
            current = root.Process.Namespace;
            text.Append(Label(root.Process)).Append('\n');
            Append(text, root.Children, "", root.Process.Node);
        }

        return text.ToString();
    }

    /// <summary>One process as a line: <c>2 test-fork [Z exit 0] 12 pages</c> (pid, program, state and status, pages owned).</summary>
    public static string Label(ProcessInfo process) =>
        $"{process.Pid} {process.Program} [{process.State}{(process.Status is { } status ? " " + Describe(status) : "")}] {process.Pages} {(process.Pages == 1 ? "page" : "pages")}";

    /// <summary>How a process ended, as a shell would say it: <c>exit 3</c>, <c>SIGKILL</c>, <c>SIGSEGV core</c>.</summary>
    public static string Describe(WaitStatus status) => status switch
    {
        { Exited: true } => $"exit {status.ExitCode}",
        { Signaled: true } => status.CoreDumped ? $"{status.TermSignal} core" : status.TermSignal.ToString(),
        _ => status.ToString(),
    };

    private static void Append(StringBuilder text, IReadOnlyList<ProcessTreeNode> children, string indent, Akka.Actor.Address? home)
    {
        for (var i = 0; i < children.Count; i++)
        {
            var last = i == children.Count - 1;
            var process = children[i].Process;
            text.Append(indent).Append(last ? "`- " : "|- ").Append(Label(process));
            if (process.Node is { } node && home is not null && !node.Equals(home)) text.Append(" on ").Append(node);
            text.Append('\n');
            Append(text, children[i].Children, indent + (last ? "   " : "|  "), home);
        }
    }
}
