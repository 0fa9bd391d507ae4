using System.Text;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// fork at the libc level: pids, the copied image (memory, args, environment, cwd, descriptors, signal
/// dispositions), how a child ends (return, Exit, an exception) and what its parent's wait4 sees of it.
/// </summary>
public sealed class ForkSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    private static readonly ProcessMain ExitsZero = _ => Task.FromResult(0);

    // LTP fork13 and Open POSIX conformance/interfaces/fork/3-1.c: a new pid matches no live process, none reused at once
    [Fact]
    public async Task Fork_returns_distinct_increasing_pids()
    {
        var pids = new List<int>();
        var initPid = 0;
        await RunToSuccess(async libc =>
        {
            initPid = libc.Pid;
            for (var i = 0; i < 4; i++) pids.Add(await libc.ForkAsync(ExitsZero));
            foreach (var pid in pids) Assert.Equal(pid, (await libc.Wait4Async(pid)).Pid);
            pids.Add(await libc.ForkAsync(ExitsZero));
            Assert.Equal(pids[^1], (await libc.Wait4Async(pids[^1])).Pid);
            return 0;
        });
        Assert.Equal(1, initPid);
        Assert.All(pids, pid => Assert.True(pid > 1, $"pid {pid} is not above init's"));
        Assert.All(pids.Zip(pids.Skip(1)), pair => Assert.True(pair.First < pair.Second, $"pids {string.Join(", ", pids)} do not increase"));
    }

    // Open POSIX conformance/interfaces/fork/4-1.c (getppid is the forking parent); LTP fork01 (getpid is what fork returned)
    [Fact]
    public async Task Child_sees_its_own_pid_and_its_parent_as_ppid()
    {
        int initPpid = -1, child = 0, childPid = 0, childPpid = 0, grandchild = 0, grandchildPid = 0, grandchildPpid = 0;
        await RunToSuccess(async libc =>
        {
            initPpid = await libc.GetPpidAsync();
            child = await libc.ForkAsync(async c =>
            {
                childPid = c.Pid;
                childPpid = await c.GetPpidAsync();
                grandchild = await c.ForkAsync(async g =>
                {
                    grandchildPid = g.Pid;
                    grandchildPpid = await g.GetPpidAsync();
                    return 0;
                });
                return (await c.Wait4Async(grandchild)).Status.ExitCode;
            });
            Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
            return 0;
        });
        Assert.Equal(0, initPpid);
        Assert.Equal(child, childPid);
        Assert.Equal(1, childPpid);
        Assert.Equal(grandchild, grandchildPid);
        Assert.Equal(child, grandchildPpid);
    }

    // Open POSIX conformance/interfaces/fork/2-1.c (the child is a copy of its parent); Genode test-fork
    [Fact]
    public Task Heap_rw_and_stack_bytes_written_before_fork_are_visible_in_the_child() => RunToSuccess(async libc =>
    {
        var (rw, heap, stack) = Places(libc);
        libc.Memory.Write(rw, "rw before fork"u8);
        libc.Memory.Write(heap, "heap before fork"u8);
        libc.Memory.Write(stack, "stack before fork"u8);
        var child = await libc.ForkAsync(c => Task.FromResult(
            ReadText(c, rw, 14) == "rw before fork"
            && ReadText(c, heap, 16) == "heap before fork"
            && ReadText(c, stack, 17) == "stack before fork" ? 0 : 1));
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        return 0;
    });

    // Open POSIX conformance/interfaces/fork/16-1.c: a private page modified after fork is seen only by the writer
    [Fact]
    public Task Child_writes_after_fork_are_invisible_to_the_parent() => RunToSuccess(async libc =>
    {
        var (rw, heap, stack) = Places(libc);
        WriteAt(libc, "parent"u8, rw, heap, stack);
        var child = await libc.ForkAsync(c =>
        {
            WriteAt(c, "child!"u8, rw, heap, stack);
            return Task.FromResult(ReadText(c, rw, 6) == "child!" && ReadText(c, heap, 6) == "child!" ? 0 : 1);
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        Assert.Equal("parent", ReadText(libc, rw, 6));
        Assert.Equal("parent", ReadText(libc, heap, 6));
        Assert.Equal("parent", ReadText(libc, stack, 6));
        return 0;
    });

    // Open POSIX conformance/interfaces/fork/16-1.c, the other direction
    [Fact]
    public Task Parent_writes_after_fork_are_invisible_to_the_child() => RunToSuccess(async libc =>
    {
        var (rw, heap, _) = Places(libc);
        WriteAt(libc, "before"u8, rw, heap);
        var (gate, open) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async c =>
        {
            await c.Await(gate);
            return ReadText(c, rw, 6) == "before" && ReadText(c, heap, 6) == "before" ? 0 : 1;
        });
        WriteAt(libc, "after!"u8, rw, heap);
        await libc.Release(open);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        Assert.Equal("after!", ReadText(libc, rw, 6));
        return 0;
    });

    // LTP fork04: the child gets the parent's environment; also argv and the working directory
    [Fact]
    public Task Args_environment_and_cwd_are_copied_to_the_child() => RunToSuccess(async libc =>
    {
        libc.Environment["LATE"] = "set before fork";
        await libc.MkDirAsync("/srv");
        libc.ChDir("/srv");
        var child = await libc.ForkAsync(c => Task.FromResult(
            c.Args.SequenceEqual(["prog", "-v"])
            && c.Environment.TryGetValue("WIZARD", out var wizard) && wizard == "gandalf"
            && c.Environment.TryGetValue("LATE", out var late) && late == "set before fork"
            && c.Cwd == "/srv" ? 0 : 1));
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        return 0;
    }, new ProcessOptions { Args = ["prog", "-v"], Cwd = "/home" }.WithEnvironment("WIZARD", "gandalf"));

    // LTP fork04: a child that changes its environment does not change its parent's; same for the cwd
    [Fact]
    public Task Environment_and_cwd_changed_in_the_child_are_not_seen_by_the_parent() => RunToSuccess(async libc =>
    {
        var child = await libc.ForkAsync(c =>
        {
            c.Environment["WIZARD"] = "saruman";
            c.Environment["CHILD"] = "only";
            c.ChDir("/tmp");
            return Task.FromResult(c.Environment["WIZARD"] == "saruman" && c.Cwd == "/tmp" ? 0 : 1);
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        Assert.Equal("gandalf", libc.Environment["WIZARD"]);
        Assert.False(libc.Environment.ContainsKey("CHILD"));
        Assert.Equal("/home", libc.Cwd);
        return 0;
    }, new ProcessOptions { Cwd = "/home" }.WithEnvironment("WIZARD", "gandalf"));

    // LTP fork04, the other direction: the parent's later changes do not reach the child
    [Fact]
    public Task Environment_and_cwd_changed_in_the_parent_after_fork_are_not_seen_by_the_child() => RunToSuccess(async libc =>
    {
        var (gate, open) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async c =>
        {
            await c.Await(gate);
            return c.Environment["WIZARD"] == "gandalf" && !c.Environment.ContainsKey("PARENT") && c.Cwd == "/home" ? 0 : 1;
        });
        libc.Environment["WIZARD"] = "radagast";
        libc.Environment["PARENT"] = "only";
        await libc.MkDirAsync("/var");
        libc.ChDir("/var");
        await libc.Release(open);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        return 0;
    }, new ProcessOptions { Cwd = "/home" }.WithEnvironment("WIZARD", "gandalf"));

    // LTP fork10: a descriptor is inherited, and a read in the child moves the offset the parent sees
    [Fact]
    public Task A_descriptor_is_inherited_with_its_number_and_the_childs_read_moves_the_parents_offset() => RunToSuccess(async libc =>
    {
        var fd = await OpenFile(libc, "/shared", "aaaabbbbcccc");
        var child = await libc.ForkAsync(async c => await ReadText(c, fd, 4) == "aaaa" ? 0 : 1);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        Assert.Equal(4, await libc.SeekAsync(fd, 0, SeekOrigin.Current));
        Assert.Equal("bbbb", await ReadText(libc, fd, 4));
        return 0;
    });

    // LTP fork10 (parent reads, child continues after it) and fork07 (children share one offset)
    [Fact]
    public Task A_read_in_the_parent_after_fork_moves_the_offset_the_child_sees() => RunToSuccess(async libc =>
    {
        var fd = await OpenFile(libc, "/shared", "aaaabbbbcccc");
        var (gate, open) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async c =>
        {
            await c.Await(gate);
            if (await ReadText(c, fd, 4) != "bbbb") return 1;
            await c.SeekAsync(fd, 1, SeekOrigin.Current);
            return 0;
        });
        Assert.Equal("aaaa", await ReadText(libc, fd, 4));
        await libc.Release(open);
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        Assert.Equal(9, await libc.SeekAsync(fd, 0, SeekOrigin.Current));
        return 0;
    });

    // LTP fork08: closing an inherited descriptor in the child leaves the parent's open
    [Fact]
    public Task Closing_an_inherited_descriptor_in_the_child_leaves_the_parents_open() => RunToSuccess(async libc =>
    {
        var fd = await OpenFile(libc, "/shared", "abcd");
        var child = await libc.ForkAsync(async c =>
        {
            await c.CloseAsync(fd);
            try
            {
                await c.ReadAsync(fd, new byte[1]);
                return 1;
            }
            catch (PosixException e) when (e.Errno == Errno.EBADF)
            {
                return 0;
            }
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        Assert.Equal("abcd", await ReadText(libc, fd, 4));
        return 0;
    });

    // POSIX fork: the child inherits signal dispositions (a caught signal stays caught)
    [Fact]
    public async Task Signal_handlers_are_copied_to_the_child()
    {
        var handled = 0;
        await RunToSuccess(async libc =>
        {
            libc.SetSignalHandler(Signal.SIGUSR1, _ => Interlocked.Increment(ref handled));
            var (ready, readyOpen) = await libc.PipeAsync();
            var (gate, open) = await libc.PipeAsync();
            var child = await libc.ForkAsync(async c =>
            {
                await c.Release(readyOpen);
                await c.Await(gate);
                await c.GetPpidAsync();
                return Volatile.Read(ref handled) == 1 ? 0 : 1;
            });
            await libc.Await(ready);
            await libc.KillAsync(child, Signal.SIGUSR1);
            await libc.Release(open);
            Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
            return 0;
        });
        Assert.Equal(1, handled);
    }

    // Open POSIX conformance/interfaces/fork/12-1.c: the child is created with no pending signal
    [Fact]
    public async Task Pending_signals_are_not_copied_to_the_child()
    {
        var handled = 0;
        await RunToSuccess(async libc =>
        {
            libc.SetSignalHandler(Signal.SIGUSR1, _ => Interlocked.Increment(ref handled));
            await libc.KillAsync(libc.Pid, Signal.SIGUSR1);
            var child = await libc.ForkAsync(async c =>
            {
                await c.GetPpidAsync();
                await c.GetPgrpAsync();
                return 0;
            });
            Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
            await libc.GetPpidAsync();
            return 0;
        });
        Assert.Equal(1, handled);
    }

    // gVisor wait.cc WaitSpecificChildTest.NormalExit; LTP fork01 (exit status 42 reaches the parent)
    [Fact]
    public Task The_childs_exit_code_comes_back_through_wait4() => RunToSuccess(async libc =>
    {
        var child = await libc.ForkAsync(_ => Task.FromResult(42));
        var waited = await libc.Wait4Async(child);
        Assert.Equal(child, waited.Pid);
        Assert.Equal(Errno.None, waited.Error);
        Assert.True(waited.Status.Exited);
        Assert.Equal(42, waited.Status.ExitCode);
        Assert.Equal(42 << 8, waited.Status.Raw);
        return 0;
    });

    // LTP waitpid01 (SIGABRT carries the core flag): an unhandled exception ends the program as abort() would
    [Fact]
    public Task A_child_that_throws_ends_by_SIGABRT_with_the_core_flag() => RunToSuccess(async libc =>
    {
        var child = await libc.ForkAsync(async c =>
        {
            await c.GetPpidAsync();
            throw new InvalidOperationException("boom");
        });
        var status = (await libc.Wait4Async(child)).Status;
        Assert.True(status.Signaled, $"{status}");
        Assert.Equal(Signal.SIGABRT, status.TermSignal);
        Assert.True(status.CoreDumped);
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGABRT, coreDumped: true), status);
        return 0;
    });

    [Fact]
    public async Task An_init_that_throws_ends_the_namespace_with_SIGABRT_and_the_core_flag()
    {
        var status = await Run(_ => throw new InvalidOperationException("init fails"));
        Assert.Equal(WaitStatus.FromSignal(Signal.SIGABRT, coreDumped: true), status);
    }

    // POSIX _exit: the process ends at once; code after it, even in a catch or finally, has no effect
    [Fact]
    public Task Exit_ends_the_process_at_once_even_inside_a_try() => RunToSuccess(async libc =>
    {
        var (read, write) = await libc.PipeAsync();
        var child = await libc.ForkAsync(async c =>
        {
            try
            {
                c.Exit(3);
            }
            catch (Exception)
            {
                await c.WriteAsync(write, "caught"u8.ToArray());
            }
            finally
            {
                await c.WriteAsync(write, "finally"u8.ToArray());
            }

            await c.WriteAsync(write, "after"u8.ToArray());
            return 4;
        });
        await libc.CloseAsync(write);
        Assert.Equal(WaitStatus.FromExit(3), (await libc.Wait4Async(child)).Status);
        Assert.Equal(0, await libc.ReadAsync(read, new byte[16]));
        return 0;
    });

    // POSIX wait: WEXITSTATUS is the low-order 8 bits of the exit code
    [Theory]
    [InlineData(256, true, 0)]
    [InlineData(-1, true, 255)]
    [InlineData(511, true, 255)]
    [InlineData(257, false, 1)]
    [InlineData(-256, false, 0)]
    public Task The_exit_code_keeps_only_its_low_8_bits(int code, bool viaExit, int expected) => RunToSuccess(async libc =>
    {
        var child = await libc.ForkAsync(c =>
        {
            if (viaExit) c.Exit(code);
            return Task.FromResult(code);
        });
        var status = (await libc.Wait4Async(child)).Status;
        Assert.True(status.Exited, $"{status}");
        Assert.Equal(expected, status.ExitCode);
        return 0;
    });

    [Fact]
    public async Task Init_exit_code_keeps_only_its_low_8_bits() =>
        Assert.Equal(WaitStatus.FromExit(44), await Run(_ => Task.FromResult(300)));

    // The namespace ends clean: zombies never reaped, orphans, running processes killed when init ends
    [Fact]
    public async Task Nothing_is_left_after_a_namespace_with_zombies_and_orphans_ends()
    {
        var status = await Run(async libc =>
        {
            var (forever, _) = await libc.PipeAsync();
            var parent = await libc.ForkAsync(async a =>
            {
                await a.ForkAsync(async b => await b.ReadAsync(forever, new byte[1]));
                await a.ForkAsync(_ => Task.FromResult(7));
                await a.ForkAsync(ExitsZero);
                return 0;
            });
            await libc.ForkAsync(_ => Task.FromResult(5));
            await libc.ForkAsync(async e => await e.ReadAsync(forever, new byte[1]));
            Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(parent)).Status);
            return 0;
        });
        Assert.Equal(WaitStatus.FromExit(0), status);
        await AssertNoActorsLeft();
    }

    // POSIX: init reaps what it leaves behind; a namespace whose init ends with only zombies left ends too
    [Fact]
    public async Task A_namespace_ends_when_init_returns_leaving_only_a_zombie()
    {
        var run = Runtime.RunAsync(async libc =>
        {
            var exits = 0;
            libc.SetSignalHandler(Signal.SIGCHLD, _ => exits++);
            await libc.ForkAsync(_ => Task.FromResult(3));
            while (exits == 0) await libc.GetPgrpAsync();
            return 0;
        });
        // A bound for a failure, not a synchronisation: the namespace has nothing left to wait for.
        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(5))) == run, "the namespace did not end after init returned");
        Assert.Equal(WaitStatus.FromExit(0), await run);
        await AssertNoActorsLeft();
    }

    private static (ulong Rw, ulong Heap, ulong Stack) Places(Libc libc) =>
        (libc.Memory.RwSegment("binary").At + 128, libc.Memory.Malloc(3 * 4096) + 4090, libc.Memory.Stack.At + 100);

    private static void WriteAt(Libc libc, ReadOnlySpan<byte> text, params ulong[] addresses)
    {
        foreach (var address in addresses) libc.Memory.Write(address, text);
    }

    private static string ReadText(Libc libc, ulong address, int length)
    {
        var bytes = new byte[length];
        libc.Memory.Read(address, bytes);
        return Encoding.ASCII.GetString(bytes);
    }

    private static async Task<string> ReadText(Libc libc, int fd, int length)
    {
        var bytes = new byte[length];
        var read = await libc.ReadAsync(fd, bytes);
        return Encoding.ASCII.GetString(bytes, 0, read);
    }

    private static async Task<int> OpenFile(Libc libc, string path, string content)
    {
        var fd = await libc.OpenAsync(path, OpenFlags.ReadWrite | OpenFlags.Create | OpenFlags.Truncate);
        await libc.WriteAsync(fd, Encoding.ASCII.GetBytes(content));
        await libc.SeekAsync(fd, 0, SeekOrigin.Begin);
        return fd;
    }
}

/// <summary>
/// fork against quota: every live process keeps its reserve, so with room for a few reserves only, a fork bomb is refused
/// with EAGAIN and never hangs. Init needs a whole start quota at hand for each fork, and gets all but the reserve back.
/// </summary>
public sealed class ForkQuotaSpec(ITestOutputHelper output)
    : RuntimeSpec(output, new ForkRuntimeOptions { ProcessRamReserve = Reserve }.WithQuota(ForkRam + (Room - 1) * Reserve + Reserve / 2, 1000))
{
    private const int Room = 3;
    private const long ForkRam = 2_500_000;
    private const long Reserve = 1_000_000;

    // LTP fork12 (fork until it fails, then clean up): every process forks until EAGAIN, then reaps its children
    [Fact]
    public async Task A_fork_bomb_is_refused_with_EAGAIN_and_ends()
    {
        int forks = 0, refusals = 0, running = 0, mostRunning = 0;
        ProcessMain bomb = null!;
        bomb = async libc =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostRunning, now);
            var children = new List<int>();
            // A safety stop far above the room, so that a runtime that lets the bomb grow fails here quickly.
            while (Volatile.Read(ref forks) < 10 * Room)
            {
                try
                {
                    children.Add(await libc.ForkAsync(bomb));
                    Interlocked.Increment(ref forks);
                }
                catch (PosixException e) when (e.Errno == Errno.EAGAIN)
                {
                    Interlocked.Increment(ref refusals);
                    break;
                }
            }

            foreach (var child in children)
            {
                if ((await libc.Wait4Async(child)).Status != WaitStatus.FromExit(0)) return 1;
            }

            Interlocked.Decrement(ref running);
            return 0;
        };
        await RunToSuccess(bomb);
        // A reaped subtree gives its quota back, so another may grow later: what is bounded is how many processes
        // exist at once (init and at most Room others), and every process ends its loop on EAGAIN.
        Assert.InRange(mostRunning, 2, Room + 1);
        Assert.True(forks >= 1);
        Assert.Equal(forks + 1, refusals);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    // The quota of reaped children comes back: as many forks succeed again as before
    [Fact]
    public async Task Quota_comes_back_when_the_children_are_reaped()
    {
        int first = 0, second = 0;
        await RunToSuccess(async libc =>
        {
            first = await ForkUntilRefused(libc);
            second = await ForkUntilRefused(libc);
            return 0;
        });
        Assert.InRange(first, 1, Room);
        Assert.Equal(first, second);
    }

    /// <summary>Forks children that wait on a pipe until fork says EAGAIN, then lets them exit and reaps them all.</summary>
    private static async Task<int> ForkUntilRefused(Libc libc)
    {
        var (read, write) = await libc.PipeAsync();
        var children = new List<int>();
        while (true)
        {
            try
            {
                children.Add(await libc.ForkAsync(async c =>
                {
                    await c.CloseAsync(write);
                    return await c.ReadAsync(read, new byte[1]);
                }));
            }
            catch (PosixException e) when (e.Errno == Errno.EAGAIN)
            {
                break;
            }
        }

        await libc.CloseAsync(write);
        await libc.CloseAsync(read);
        foreach (var child in children) Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        Assert.Equal(Errno.ECHILD, (await libc.Wait4Async(-1)).Error);
        return children.Count;
    }
}
