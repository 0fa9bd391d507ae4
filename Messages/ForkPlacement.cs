using Akka.Actor;

namespace Fork.Messages;

/// <summary>Where a fork places its child: see <see cref="ForkPlacement"/>.</summary>
public enum ForkPlacementKind
{
    /// <summary>On the parent's own node.</summary>
    Local,

    /// <summary>On the node at <see cref="ForkPlacement.Node"/>.</summary>
    OnNode,

    /// <summary>On the least loaded fork host other than the parent's node.</summary>
    AnyOtherNode,
}

/// <summary>
/// Where a forked child runs: <see cref="Local"/> (the parent's node), <see cref="OnNode"/> (a given node) or
/// <see cref="AnyOtherNode"/> (the least loaded fork host other than this one). A plain value: a kind, and the
/// node's address for <see cref="ForkPlacementKind.OnNode"/> only.
/// </summary>
public sealed record ForkPlacement
{
    private ForkPlacement(ForkPlacementKind kind, Address? node)
    {
        Kind = kind;
        Node = node;
    }

    /// <summary>On the parent's own node: the same as a fork without a placement.</summary>
    public static ForkPlacement Local { get; } = new(ForkPlacementKind.Local, null);

    /// <summary>On the least loaded fork host other than the parent's node.</summary>
    public static ForkPlacement AnyOtherNode { get; } = new(ForkPlacementKind.AnyOtherNode, null);

    public ForkPlacementKind Kind { get; }

    /// <summary>The node of an <see cref="ForkPlacementKind.OnNode"/> placement; null for the other kinds.</summary>
    public Address? Node { get; }

    /// <summary>On the node at <paramref name="node"/> (this node's own address places the child locally).</summary>
    public static ForkPlacement OnNode(Address node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new ForkPlacement(ForkPlacementKind.OnNode, node);
    }

    public override string ToString() => Kind == ForkPlacementKind.OnNode ? $"OnNode({Node})" : Kind.ToString();
}
