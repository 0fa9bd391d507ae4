using System.Text;
using Akka.Actor;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// Fork with a placement on a runtime without a cluster: Local and OnNode(this node) fork here like ForkAsync;
/// another node, or any other node, is EHOSTUNREACH at once (no child, no zombie); a closure placed elsewhere is
/// EINVAL first, while a registered program or a static method gets as far as the missing host.
/// </summary>
public sealed class PlacementSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    private static readonly Address Other = new("akka.tcp", "other", "127.0.0.1", 1);

    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(2);

    private static Task<int> StaticChild(Libc libc) => Task.FromResult(5);

    private Task<int> InstanceChild(Libc libc) => Task.FromResult(Output is null ? 1 : 0);

    [Fact]
    public async Task Local_placement_forks_here_with_a_copy_of_memory_and_is_reaped_like_fork()
    {
        WaitStatus status = default;
        WaitResult after = default;
        await RunToSuccess(async libc =>
        {
            var heap = libc.Memory.Malloc(64);
            libc.Memory.Write(heap, "placed locally"u8);
            var captured = 3;
            var child = await libc.ForkAsync(c => Task.FromResult(ReadText(c, heap, 14) == "placed locally" ? captured : 1), ForkPlacement.Local);
            status = (await libc.Wait4Async(child)).Status;
            after = await libc.Wait4Async(-1, WaitOptions.WNOHANG);
            return 0;
        });
        Assert.Equal(WaitStatus.FromExit(3), status);
        Assert.Equal(Errno.ECHILD, after.Error);
    }

    [Fact]
    public async Task OnNode_of_this_node_forks_here_and_the_child_runs_on_the_same_node()
    {
        Address? parentNode = null, childNode = null;
        WaitStatus status = default;
        WaitResult after = default;
        await RunToSuccess(async libc =>
        {
            parentNode = libc.Node;
            var heap = libc.Memory.Malloc(64);
            libc.Memory.Write(heap, "same node"u8);
            var child = await libc.ForkAsync(c =>
            {
                childNode = c.Node;
                return Task.FromResult(ReadText(c, heap, 9) == "same node" ? 4 : 1);
            }, ForkPlacement.OnNode(libc.Node));
            status = (await libc.Wait4Async(child)).Status;
            after = await libc.Wait4Async(-1, WaitOptions.WNOHANG);
            return 0;
        });
        Assert.Equal(WaitStatus.FromExit(4), status);
        Assert.Equal(Errno.ECHILD, after.Error);
        Assert.NotNull(parentNode);
        Assert.Equal(parentNode, childNode);
    }

    [Fact]
    public async Task Node_is_the_actor_systems_own_address()
    {
        Address? node = null;
        await RunToSuccess(libc =>
        {
            node = libc.Node;
            return Task.FromResult(ReferenceEquals(node, libc.Node) ? 0 : 1);
        });
        var system = (ExtendedActorSystem)Runtime.System;
        Assert.Equal(system.Provider.DefaultAddress, node);
        Assert.Equal("akka", node!.Protocol);
        Assert.Equal(system.Name, node.System);
        Assert.NotEqual(Other, node);
    }

    [Fact]
    public async Task Another_node_is_unreachable_at_once_and_leaves_no_child()
    {
        PosixException? refused = null;
        WaitResult afterRefusal = default, afterLocal = default;
        WaitStatus local = default;
        await RunToSuccess(async libc =>
        {
            var (read, write) = await libc.PipeAsync();
            refused = await Refusal(libc.ForkAsync(StaticChild, ForkPlacement.OnNode(Other)));
            afterRefusal = await libc.Wait4Async(-1, WaitOptions.WNOHANG);
            var child = await libc.ForkAsync(async c =>
            {
                await c.Await(read);
                return 6;
            });
            await libc.Release(write);
            local = (await libc.Wait4Async(child)).Status;
            afterLocal = await libc.Wait4Async(-1, WaitOptions.WNOHANG);
            return 0;
        });
        Assert.NotNull(refused);
        Assert.Equal(Errno.EHOSTUNREACH, refused.Errno);
        Assert.Contains("akka.tcp://other@127.0.0.1:1", refused.Message);
        Assert.Equal(Errno.ECHILD, afterRefusal.Error);
        Assert.Equal(-1, afterRefusal.Pid);
        Assert.Equal(WaitStatus.FromExit(6), local);
        Assert.Equal(Errno.ECHILD, afterLocal.Error);
    }

    [Fact]
    public async Task Any_other_node_is_unreachable_without_a_cluster()
    {
        PosixException? refused = null;
        WaitResult after = default;
        await RunToSuccess(async libc =>
        {
            refused = await Refusal(libc.ForkAsync(StaticChild, ForkPlacement.AnyOtherNode));
            after = await libc.Wait4Async(-1, WaitOptions.WNOHANG);
            return 0;
        });
        Assert.NotNull(refused);
        Assert.Equal(Errno.EHOSTUNREACH, refused.Errno);
        Assert.Contains("no fork host other than this node", refused.Message);
        Assert.Equal(Errno.ECHILD, after.Error);
    }

    [Fact]
    public async Task A_closure_placed_on_another_node_is_EINVAL_before_the_host_is_looked_for()
    {
        var refusals = new List<PosixException?>();
        WaitResult after = default;
        await RunToSuccess(async libc =>
        {
            var captured = libc.Pid;
            refusals.Add(await Refusal(libc.ForkAsync(_ => Task.FromResult(captured), ForkPlacement.OnNode(Other))));
            refusals.Add(await Refusal(libc.ForkAsync(_ => Task.FromResult(captured), ForkPlacement.AnyOtherNode)));
            refusals.Add(await Refusal(libc.ForkAsync(_ => Task.FromResult(0), ForkPlacement.OnNode(Other))));
            refusals.Add(await Refusal(libc.ForkAsync(InstanceChild, ForkPlacement.AnyOtherNode)));
            after = await libc.Wait4Async(-1, WaitOptions.WNOHANG);
            return 0;
        });
        Assert.Equal(4, refusals.Count);
        Assert.All(refusals, refusal =>
        {
            Assert.NotNull(refusal);
            Assert.Equal(Errno.EINVAL, refusal.Errno);
            Assert.Contains("can only be forked locally", refusal.Message);
        });
        Assert.Equal(Errno.ECHILD, after.Error);
    }

    [Fact]
    public async Task A_registered_program_or_a_static_method_placed_on_another_node_is_unreachable_not_EINVAL()
    {
        var captured = 9;
        Runtime.Programs.Register("placement-static", StaticChild);
        Runtime.Programs.Register("placement-lambda", _ => Task.FromResult(captured));
        var registeredLambda = Runtime.Programs.TryGet("placement-lambda", out var main) ? main : null;
        Assert.NotNull(registeredLambda);
        var errnos = new List<Errno>();
        await RunToSuccess(async libc =>
        {
            errnos.Add(await PosixHelpers.ErrnoOf(() => libc.ForkAsync(StaticChild, ForkPlacement.OnNode(Other))));
            errnos.Add(await PosixHelpers.ErrnoOf(() => libc.ForkAsync(registeredLambda, ForkPlacement.OnNode(Other))));
            errnos.Add(await PosixHelpers.ErrnoOf(() => libc.ForkAsync(StaticChild, ForkPlacement.AnyOtherNode)));
            return 0;
        });
        Assert.Equal([Errno.EHOSTUNREACH, Errno.EHOSTUNREACH, Errno.EHOSTUNREACH], errnos);
    }

    [Fact]
    public async Task An_unregistered_static_method_placed_on_another_node_is_unreachable_not_EINVAL()
    {
        var errno = Errno.None;
        Assert.DoesNotContain(Runtime.Programs.Names, name => Runtime.Programs.TryGet(name, out var m) && m == (ProcessMain)StaticChild);
        await RunToSuccess(async libc =>
        {
            errno = await PosixHelpers.ErrnoOf(() => libc.ForkAsync(StaticChild, ForkPlacement.OnNode(Other)));
            return 0;
        });
        Assert.Equal(Errno.EHOSTUNREACH, errno);
    }

    [Fact]
    public async Task A_static_method_is_named_so_another_node_finds_it_and_a_closure_has_no_such_name()
    {
        var programs = ProgramRegistry.WithBuiltIns();
        var name = programs.NameElsewhere(StaticChild);
        var captured = 1;

        Assert.NotNull(name);
        Assert.True(programs.TryFind(name, out var found));
        Assert.Equal(5, await found(null!));
        Assert.Null(programs.NameElsewhere(_ => Task.FromResult(captured)));
        Assert.Equal("sh", programs.NameElsewhere(programs.TryGet("sh", out var sh) ? sh : null!));
        Assert.False(programs.TryFind($"{typeof(PlacementSpec).FullName}, Fork.Tests::NoSuchMethod", out _));
        Assert.False(programs.TryFind("No.Such.Type, Fork.Tests::StaticChild", out _));
    }

    [Fact]
    public async Task A_null_placement_or_child_is_an_argument_error()
    {
        Exception? nullPlacement = null, nullChild = null;
        await RunToSuccess(async libc =>
        {
            nullPlacement = await Record.ExceptionAsync(() => libc.ForkAsync(StaticChild, null!));
            nullChild = await Record.ExceptionAsync(() => libc.ForkAsync(null!, ForkPlacement.Local));
            return 0;
        });
        Assert.Equal("placement", Assert.IsType<ArgumentNullException>(nullPlacement).ParamName);
        Assert.Equal("child", Assert.IsType<ArgumentNullException>(nullChild).ParamName);
        Assert.Equal("node", Assert.Throws<ArgumentNullException>(() => ForkPlacement.OnNode(null!)).ParamName);
    }

    [Fact]
    public void Placements_print_readably_and_compare_by_kind_and_node()
    {
        var remote = new Address("akka.tcp", "sys", "127.0.0.1", 4053);
        Assert.Equal("Local", ForkPlacement.Local.ToString());
        Assert.Equal("AnyOtherNode", ForkPlacement.AnyOtherNode.ToString());
        Assert.Equal("OnNode(akka.tcp://sys@127.0.0.1:4053)", ForkPlacement.OnNode(remote).ToString());

        Assert.Equal(ForkPlacementKind.Local, ForkPlacement.Local.Kind);
        Assert.Null(ForkPlacement.Local.Node);
        Assert.Equal(ForkPlacementKind.AnyOtherNode, ForkPlacement.AnyOtherNode.Kind);
        Assert.Null(ForkPlacement.AnyOtherNode.Node);
        Assert.Equal(ForkPlacementKind.OnNode, ForkPlacement.OnNode(remote).Kind);
        Assert.Equal(remote, ForkPlacement.OnNode(remote).Node);

        Assert.Equal(ForkPlacement.OnNode(new Address("akka.tcp", "sys", "127.0.0.1", 4053)), ForkPlacement.OnNode(remote));
        Assert.Equal(ForkPlacement.OnNode(remote).GetHashCode(), ForkPlacement.OnNode(new Address("akka.tcp", "sys", "127.0.0.1", 4053)).GetHashCode());
        Assert.NotEqual(ForkPlacement.OnNode(Other), ForkPlacement.OnNode(remote));
        Assert.NotEqual(ForkPlacement.Local, ForkPlacement.AnyOtherNode);
        Assert.NotEqual(ForkPlacement.Local, ForkPlacement.OnNode(remote));
        Assert.Same(ForkPlacement.Local, ForkPlacement.Local);
    }

    /// <summary>The PosixException a fork fails with, which must come at once (not after a wait for a host).</summary>
    private static async Task<PosixException?> Refusal(Task<int> fork)
    {
        try
        {
            await fork.WaitAsync(AtOnce);
            return null;
        }
        catch (PosixException e)
        {
            return e;
        }
    }

    private static string ReadText(Libc libc, ulong address, int length)
    {
        var bytes = new byte[length];
        libc.Memory.Read(address, bytes);
        return Encoding.ASCII.GetString(bytes);
    }
}
