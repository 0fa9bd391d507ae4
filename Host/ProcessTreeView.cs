using Fork.Actors;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Fork.Host;

/// <summary>
/// Process trees as Spectre.Console renders them in a terminal: <see cref="Spectre.Console.Tree"/>s whose nodes are
/// the lines of <see cref="ProcessTree.Label"/>, the state colored.
/// </summary>
internal static class ProcessTreeView
{
    /// <summary>The trees of <paramref name="processes"/> (one per namespace), or a line saying there is none yet.</summary>
    public static IRenderable Render(IReadOnlyList<ProcessInfo> processes)
    {
        var roots = ProcessTree.Build(processes);
        if (roots.Count == 0) return new Markup("[grey]no process yet[/]");
        var trees = roots.Select(root =>
        {
            var tree = new Tree(Label(root.Process)).Guide(TreeGuide.Line);
            foreach (var child in root.Children) Add(tree.AddNode(Label(child.Process)), child);
            return (IRenderable)tree;
        });
        return new Rows(trees);
    }

    private static void Add(TreeNode node, ProcessTreeNode process)
    {
        foreach (var child in process.Children) Add(node.AddNode(Label(child.Process)), child);
    }

    private static string Label(ProcessInfo process)
    {
        var status = process.Status is { } s ? " " + ProcessTree.Describe(s) : "";
        var color = process.State switch
        {
            'R' => "green",
            'S' => "yellow",
            'T' => "blue",
            'Z' => "red",
            _ => "grey",
        };
        var pages = process.Pages == 1 ? "page" : "pages";
        return $"[bold]{process.Pid}[/] {Markup.Escape(process.Program)} [{color}][[{process.State}{Markup.Escape(status)}]][/] [grey]{process.Pages} {pages}[/]";
    }
}
