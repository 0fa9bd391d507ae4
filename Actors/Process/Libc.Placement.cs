using System.Runtime.CompilerServices;
using System.Text;
using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>Fork with a placement: the child on this node, on a given node, or on any other fork host.</summary>
public sealed partial class Libc
{
    private Address? _node;

    /// <summary>The node this process runs on: its actor system's own address (<c>akka://name</c> without remoting).</summary>
    public Address Node => _node ??= _provider.DefaultAddress;

    /// <summary>
    /// Fork with the child placed by <paramref name="placement"/>. <see cref="ForkPlacement.Local"/> and
    /// <see cref="ForkPlacement.OnNode"/> of this <see cref="Node"/> are <see cref="ForkAsync(ProcessMain)"/>. A child
    /// placed elsewhere must be a registered program or a static method: a closure or a lambda is EINVAL, at once. A node
    /// that is not a fork host (up and reachable), or no other fork host at all, is EHOSTUNREACH, at once; without a cluster
    /// no other node is one. Onto another fork host, that host's spawner creates the child's process, which runs the
    /// program registered there by the same name (ENOENT when there is none; EHOSTUNREACH when the host does not answer
    /// in time). Arguments and environment larger than one message to another node carries are E2BIG, at once. The child
    /// pulls its image in chunks that each fit one frame (<c>maximum-frame-size</c>); its caught signals' handlers stay
    /// behind (there those signals have their default action, as after exec), ignored ones stay ignored. It is a full
    /// member of its namespace: it forks again (there, onto another node, or back onto the namespace's node) with pids
    /// from the namespace's one authority, its orphans go to init, and kill, process groups, wait4's selectors, SIGCHLD
    /// and /proc reach it across nodes.
    /// </summary>
    public async Task<int> ForkAsync(ProcessMain child, ForkPlacement placement)
    {
        ArgumentNullException.ThrowIfNull(child);
        ArgumentNullException.ThrowIfNull(placement);
        if (IsLocal(placement)) return await ForkAsync(child);
        Enter();
        if (_programs.NameElsewhere(child) is not { } name)
        {
            throw new PosixException(Errno.EINVAL,
                $"{_programs.EntryFor(child).Name} is a closure or an unregistered lambda: it can only be forked locally, not {placement}");
        }

        var others = ForkHostsElsewhere();
        var target = placement.Kind == ForkPlacementKind.OnNode ? placement.Node : others.FirstOrDefault();
        if (target is null || !others.Contains(target))
        {
            var hosts = others.Count == 0 ? "none" : string.Join(", ", others);
            throw new PosixException(Errno.EHOSTUNREACH, placement.Kind == ForkPlacementKind.OnNode
                ? $"{placement.Node} is not a fork host that is up and reachable from {Node} (other fork hosts: {hosts})"
                : $"there is no fork host other than this node ({Node}) that is up and reachable");
        }

        // The child's config ROM (its arguments and environment among it) crosses in one message.
        var image = Args.Sum(a => Encoding.UTF8.GetByteCount(a)) + Environment.Sum(e => Encoding.UTF8.GetByteCount(e.Key) + Encoding.UTF8.GetByteCount(e.Value));
        if (image > BytesPerFrame)
        {
            throw new PosixException(Errno.E2BIG,
                $"the arguments and environment are {image} bytes, more than one message to another node carries ({BytesPerFrame}): a child with them can only be forked locally");
        }

        await DirectoryChecked();
        var (handlers, interrupting) = HandlersAtFork();
        var frozen = new ForkImage(Memory.Freeze(), Args, [.. Environment], _cwd, handlers) { Interrupting = interrupting };
        return (int)Ok(await Call(new ForkRequest(new ProgramEntry(name, null), frozen) { Target = target }));
    }

    /// <summary>The fork hosts of this node's cluster other than this node, as this node sees them now (none without a cluster).</summary>
    private IReadOnlyList<Address> ForkHostsElsewhere() =>
        _provider.Guardian is ActorRefWithCell { Underlying.System: { } system }
            ? [.. ForkCluster.Hosts(system).Where(host => !host.Equals(Node))]
            : [];

    private bool IsLocal(ForkPlacement placement) => placement.Kind switch
    {
        ForkPlacementKind.Local => true,
        ForkPlacementKind.OnNode => Node.Equals(placement.Node),
        _ => false,
    };
}
