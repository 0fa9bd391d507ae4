using System.Collections.Concurrent;
using CsCheck;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// Hostile but legal input: random sequences of Libc calls with arbitrary arguments (hostile sizes and offsets,
/// unknown descriptors, random paths and strings, random pids and signals), run by init and a few forked children at
/// once. Every call succeeds or throws <see cref="PosixException"/> with a Linux errno, none hangs past a bound, the
/// run completes and no actor is left. <c>FORK_SEQUENCES=N</c> runs N sequences instead of the CI's 300.
/// </summary>
/// <remarks>
/// Calls that may block for good by design are kept from blocking, so that a hang means a bug: wait4 always has
/// WNOHANG, a read never targets a pipe's read end this process holds, a write to a pipe's write end it holds is at
/// most 1 KiB (65 of them into one unread pipe would fill it), and stop signals go only to init (which ignores them).
/// The clock is manual and jumps a million days whenever a timer is armed, so any sleep ends. Calls are also parked on
/// purpose (a read of an empty pipe, a write to a full one, a wait4 for a child that waits) and interrupted by a caught
/// signal the process sends itself: the handler must run, and the call must fail with EINTR or go on, as its flag says.
/// </remarks>
public sealed class RandomCallsSpec : RuntimeSpec
{
    private static readonly DateTimeOffset Start = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SequenceBound = TimeSpan.FromSeconds(30);

    private static readonly Gen<string> Strings = Gen.Frequency(
        (4, Gen.String[Gen.Char["ab.\u0001\uFFFE\uD800=/é"], 0, 6]),
        (1, Gen.OneOf("", "\0", "a\0b", "=", new string('k', 300))));

    private static readonly Gen<string> Component = Gen.Frequency(
        (6, Gen.OneOf("a", "b", "tmp", "dev", "null", "zero", "bin", "proc")),
        (3, Gen.OneOf(".", "..", "")),
        (1, Gen.OneOf("x\u0001y", "\uD800", "n\0ul", new string('l', 256), "é")));

    private static readonly Gen<string> Paths = Gen.Frequency(
        (12, Gen.Select(Gen.Bool, Component.Array[0, 4], Gen.Bool,
            (absolute, parts, slash) => (absolute ? "/" : "") + string.Join('/', parts) + (slash ? "/" : ""))),
        (1, Gen.OneOf("", "/", new string('p', 5000), "/" + string.Join('/', Enumerable.Repeat("a", 2100)))));

    private static readonly Gen<int> Fds = Gen.Frequency(
        (8, Gen.Int[-1, 9]),
        (1, Gen.OneOf(int.MinValue, int.MaxValue, 1023, 1024, 99)));

    private static readonly Gen<int> Pids = Gen.Frequency(
        (8, Gen.Int[-3, 6]),
        (1, Gen.OneOf(int.MinValue, int.MaxValue, -1, 4_194_304, 99_999)));

    private static readonly Gen<int> Sizes = Gen.Frequency(
        (8, Gen.Int[0, 64]),
        (2, Gen.Int[0, 70_000]),
        (1, Gen.OneOf(1 << 20)));

    private static readonly Gen<long> Offsets = Gen.Frequency(
        (6, Gen.Long[-10, 100]),
        (1, Gen.OneOf(long.MinValue, long.MaxValue, long.MaxValue - 1, 64L * 1024 * 1024, -1L, int.MaxValue + 1L)));

    private static readonly Gen<TimeSpan> Durations = Gen.Frequency(
        (4, Gen.Long[0, 10_000].Select(TimeSpan.FromTicks)),
        (1, Gen.OneOf(TimeSpan.MaxValue, TimeSpan.MinValue, TimeSpan.FromDays(100), TimeSpan.FromDays(-1), TimeSpan.FromTicks(-1))));

    private static readonly Gen<Op> Basic = Gen.Frequency(
        (4, Gen.Select(Paths, Gen.Int[0, 0xFFFFF], (p, f) => (Op)new OpenOp(p, (OpenFlags)(f & 0x80643 | (f >> 19 == 1 ? 0x100000 : 0))))),
        (3, Fds.Select(fd => (Op)new CloseOp(fd))),
        (3, Gen.Select(Fds, Sizes, (fd, n) => (Op)new ReadOp(fd, n))),
        (3, Gen.Select(Fds, Sizes, (fd, n) => (Op)new WriteOp(fd, n))),
        (2, Gen.Select(Fds, Offsets, Gen.Int[-1, 3], (fd, o, w) => (Op)new SeekOp(fd, o, (SeekOrigin)w))),
        (2, Gen.Const((Op)new PipeOp())),
        (2, Paths.Select(p => (Op)new MkDirOp(p))),
        (1, Paths.Select(p => (Op)new RmDirOp(p))),
        (1, Paths.Select(p => (Op)new UnlinkOp(p))),
        (1, Gen.Select(Paths, Paths, (a, b) => (Op)new RenameOp(a, b))),
        (2, Paths.Select(p => (Op)new StatOp(p))),
        (1, Paths.Select(p => (Op)new ReadDirOp(p))),
        (2, Paths.Select(p => (Op)new ChDirOp(p))),
        (2, Gen.Select(Pids, Gen.Int[-2, 40], (pid, s) => (Op)new KillOp(pid, (Signal)s))),
        (1, Gen.Select(Pids, Pids, (pid, g) => (Op)new SetPgidOp(pid, g))),
        (2, Gen.Select(Pids, Gen.Int[0, 15], (pid, o) => (Op)new WaitOp(pid, (WaitOptions)o | WaitOptions.WNOHANG))),
        (1, Durations.Select(d => (Op)new SleepOp(d))),
        (1, Gen.Select(Gen.Int[-1, 40], Gen.Bool, Gen.Bool, (s, on, restart) => (Op)new HandlerOp((Signal)s, on, restart))),
        (1, Gen.Select(Strings, Strings, (k, v) => (Op)new SetEnvOp(k, v))),
        (1, Gen.Frequency((4, Gen.Long[-1, 100_000]), (1, Gen.OneOf(long.MaxValue, long.MinValue, 1L << 40))).Select(n => (Op)new MallocOp(n))),
        (1, Gen.Select(Gen.ULong, Gen.Int[0, 9000], Gen.Bool, (a, n, w) => (Op)new MemoryOp(a, n, w))),
        (1, Gen.Const((Op)new InfoOp())),
        (2, Gen.Select(Gen.Int[0, 2], Gen.Bool, (kind, restart) => (Op)new ParkedOp((ParkedCall)kind, restart))),
        (1, Gen.Int[0, 255].Select(code => (Op)new ExitOp(code))));

    private static readonly Gen<Op> Operation = Gen.Frequency(
        (12, Basic),
        (1, Basic.Array[0, 8].Select(ops => (Op)new ForkOp(ops))));

    private static readonly Gen<Op[]> Sequences = Operation.Array[1, 16];

    private readonly ManualTimeProvider _time;

    public RandomCallsSpec(ITestOutputHelper output)
        : this(output, new ManualTimeProvider(Start))
    {
    }

    private RandomCallsSpec(ITestOutputHelper output, ManualTimeProvider time)
        : base(output, new ForkRuntimeOptions { Time = time }, Microsoft.Extensions.Logging.LogLevel.Critical) => _time = time;

    [Fact]
    public async Task Random_libc_calls_across_processes_succeed_or_fail_with_an_errno_and_leave_nothing_behind()
    {
        using var stop = new CancellationTokenSource();
        var clock = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await _time.TimerPending(stop.Token);
                _time.Advance(TimeSpan.FromDays(1_000_000));
            }
        });
        try
        {
            await Sequences.SampleAsync(RunSequence, writeLine: Output.WriteLine, iter: RandomizedRuns.Sequences(300), threads: 1,
                print: ops => string.Join("; ", ops.Select(op => op.ToString())));
        }
        finally
        {
            await stop.CancelAsync();
            await clock.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task RunSequence(Op[] ops)
    {
        var violations = new ConcurrentQueue<string>();
        var before = ActorsUnderUser();
        using var cancel = new CancellationTokenSource();
        var run = Runtime.RunAsync(async libc => await new Caller(libc, violations, [], []).Run(ops), null, cancel.Token);
        if (await Task.WhenAny(run, Task.Delay(SequenceBound)) != run)
        {
            await cancel.CancelAsync();
            await run.WaitAsync(SequenceBound);
            throw new TimeoutException($"the run did not end within {SequenceBound.TotalSeconds} s; {string.Join(" | ", violations)}");
        }

        var status = await run;
        Assert.True(violations.IsEmpty, string.Join(" | ", violations));
        Assert.True(status.Exited, $"init ended {status}, not by exit");
        await AssertNoActorsLeft(before);
    }

    /// <summary>One process running its operations, checking each call's outcome.</summary>
    private sealed class Caller(Libc libc, ConcurrentQueue<string> violations, HashSet<int> readEnds, HashSet<int> writeEnds)
    {
        private ulong _lastBlock = 0x1100000;

        public async Task<int> Run(IReadOnlyList<Op> ops)
        {
            for (var i = 0; i < ops.Count; i++)
            {
                var op = ops[i];
                try
                {
                    await Execute(op).WaitAsync(CallBound);
                }
                catch (PosixException e) when (Enum.IsDefined(e.Errno) && e.Errno != Errno.None)
                {
                }
                catch (Exception e) when (e is ProcessTerminatedException or ProcessExitException)
                {
                    // The process was killed (or this step was exit): the program unwinds, as any program would.
                    throw;
                }
                catch (Exception e)
                {
                    violations.Enqueue($"pid {libc.Pid} step {i + 1} ({op}): {e.GetType().Name}: {e.Message}");
                    return 99;
                }
            }

            return 0;
        }

        private async Task Execute(Op op)
        {
            switch (op)
            {
                case OpenOp open:
                    var opened = await libc.OpenAsync(open.Path, open.Flags);
                    readEnds.Remove(opened);
                    writeEnds.Remove(opened);
                    break;
                case CloseOp close:
                    await libc.CloseAsync(close.Fd);
                    readEnds.Remove(close.Fd);
                    writeEnds.Remove(close.Fd);
                    break;
                case ReadOp read when !readEnds.Contains(read.Fd):
                    await libc.ReadAsync(read.Fd, new byte[read.Count]);
                    break;
                case WriteOp write:
                    await libc.WriteAsync(write.Fd, new byte[writeEnds.Contains(write.Fd) ? Math.Min(write.Count, 1024) : write.Count]);
                    break;
                case SeekOp seek:
                    await libc.SeekAsync(seek.Fd, seek.Offset, seek.Origin);
                    break;
                case PipeOp:
                    var (readFd, writeFd) = await libc.PipeAsync();
                    readEnds.Add(readFd);
                    readEnds.Remove(writeFd);
                    writeEnds.Add(writeFd);
                    writeEnds.Remove(readFd);
                    break;
                case MkDirOp mkdir:
                    await libc.MkDirAsync(mkdir.Path);
                    break;
                case RmDirOp rmdir:
                    await libc.RmDirAsync(rmdir.Path);
                    break;
                case UnlinkOp unlink:
                    await libc.UnlinkAsync(unlink.Path);
                    break;
                case RenameOp rename:
                    await libc.RenameAsync(rename.From, rename.To);
                    break;
                case StatOp stat:
                    await libc.StatAsync(stat.Path);
                    break;
                case ReadDirOp readDir:
                    await libc.ReadDirAsync(readDir.Path);
                    break;
                case ChDirOp chdir:
                    libc.ChDir(chdir.Path);
                    break;
                case KillOp kill:
                    var stops = kill.Signal is Signal.SIGSTOP or Signal.SIGTSTP or Signal.SIGTTIN or Signal.SIGTTOU;
                    await libc.KillAsync(kill.Pid, stops && kill.Pid != 1 ? Signal.SIGCONT : kill.Signal);
                    break;
                case SetPgidOp setPgid:
                    await libc.SetPgidAsync(setPgid.Pid, setPgid.Pgid);
                    break;
                case WaitOp wait:
                    await libc.Wait4Async(wait.Pid, wait.Options);
                    break;
                case SleepOp sleep:
                    await libc.SleepAsync(sleep.Duration);
                    break;
                case HandlerOp handler:
                    libc.SetSignalHandler(handler.Signal, handler.Install ? _ => { } : null, handler.Restart);
                    break;
                case SetEnvOp env:
                    libc.Environment[env.Key] = env.Value;
                    break;
                case MallocOp malloc:
                    _lastBlock = libc.Memory.Malloc(malloc.Size);
                    break;
                case MemoryOp memory:
                    var address = memory.Address % 3 == 0 ? _lastBlock + memory.Address % 4096 : memory.Address;
                    if (memory.Write) libc.Memory.Write(address, new byte[memory.Count]);
                    else libc.Memory.Read(address, new byte[memory.Count]);
                    break;
                case InfoOp:
                    await libc.GetPpidAsync();
                    await libc.GetPgrpAsync();
                    await libc.GetTimeAsync();
                    break;
                case ExitOp exit:
                    libc.Exit(exit.Code);
                    break;
                case ParkedOp parked:
                    await Interrupt(parked);
                    break;
                case ForkOp fork:
                    var (inheritedReads, inheritedWrites) = (new HashSet<int>(readEnds), new HashSet<int>(writeEnds));
                    await libc.ForkAsync(child => new Caller(child, violations, inheritedReads, inheritedWrites).Run(fork.Ops));
                    break;
            }
        }

        /// <summary>
        /// Parks a call, then sends this process SIGUSR1 (caught): the kill reaches the pipe or the process after the call
        /// did, so the call is parked when the signal comes. Without SA_RESTART the call fails with EINTR; with it, the call
        /// goes on and ends once what it waits for is given. Either way the handler ran exactly once, before the call ended.
        /// </summary>
        private const long KilledByAnother = long.MaxValue;

        private async Task Interrupt(ParkedOp parked)
        {
            var ran = 0;
            libc.SetSignalHandler(Signal.SIGUSR1, _ => ran++, parked.Restart);
            var (read, write) = await libc.PipeAsync();
            var gate = -1;
            try
            {
                Task<long> call;
                Func<Task> release;
                switch (parked.Call)
                {
                    case ParkedCall.Read:
                        call = ReadOne();
                        release = () => libc.WriteAsync(write, new byte[1]);
                        break;
                    case ParkedCall.Write:
                        await libc.WriteAsync(write, new byte[Pipe.Capacity]);
                        call = WriteMore();
                        release = () => libc.ReadAsync(read, new byte[Pipe.Capacity]);
                        break;
                    default:
                        var (childRead, childWrite) = await libc.PipeAsync();
                        gate = childWrite;
                        var child = await libc.ForkAsync(async c =>
                        {
                            await c.ReadAsync(childRead, new byte[1]);
                            return 7;
                        });
                        await libc.CloseAsync(childRead);
                        call = Wait(child);
                        release = () => libc.WriteAsync(childWrite, new byte[1]);
                        break;
                }

                await libc.KillAsync(libc.Pid, Signal.SIGUSR1);
                if (parked.Restart)
                {
                    await release();
                    var result = await call.WaitAsync(CallBound);
                    if (result <= 0) violations.Enqueue($"pid {libc.Pid}: {parked} went on but ended with {result}");
                }
                else
                {
                    var errno = await PosixHelpers.ErrnoOf(() => call.WaitAsync(CallBound));
                    var result = errno == Errno.None ? call.Result : 0;
                    if (errno != Errno.EINTR && result != -(long)Errno.EINTR && result != KilledByAnother)
                        violations.Enqueue($"pid {libc.Pid}: {parked} was not interrupted: errno {errno}, result {result}");
                    if (parked.Call == ParkedCall.Wait) await release();
                }

                // Another process may send SIGUSR1 too: at least once, then.
                if (ran < 1) violations.Enqueue($"pid {libc.Pid}: {parked}: the handler did not run");
                async Task<long> ReadOne() => await libc.ReadAsync(read, new byte[8]);
                async Task<long> WriteMore() => await libc.WriteAsync(write, new byte[10]);
                // Another process of the sequence may kill the gated child first: its wait then ends, as it may.
                async Task<long> Wait(int child) => await libc.Wait4Async(child) switch
                {
                    { Pid: -1 } failed => -(long)failed.Error,
                    { Status.Signaled: true } => KilledByAnother,
                    _ => child,
                };
            }
            finally
            {
                libc.SetSignalHandler(Signal.SIGUSR1, null);
                await libc.CloseAsync(read);
                await libc.CloseAsync(write);
                if (gate >= 0) await libc.CloseAsync(gate);
            }
        }
    }

    private abstract record Op;

    private sealed record OpenOp(string Path, OpenFlags Flags) : Op
    {
        public override string ToString() => $"open({Show(Path)}, 0x{(int)Flags:x})";
    }

    private sealed record CloseOp(int Fd) : Op;

    private sealed record ReadOp(int Fd, int Count) : Op;

    private sealed record WriteOp(int Fd, int Count) : Op;

    private sealed record SeekOp(int Fd, long Offset, SeekOrigin Origin) : Op;

    private sealed record PipeOp : Op;

    private sealed record MkDirOp(string Path) : Op
    {
        public override string ToString() => $"mkdir({Show(Path)})";
    }

    private sealed record RmDirOp(string Path) : Op
    {
        public override string ToString() => $"rmdir({Show(Path)})";
    }

    private sealed record UnlinkOp(string Path) : Op
    {
        public override string ToString() => $"unlink({Show(Path)})";
    }

    private sealed record RenameOp(string From, string To) : Op
    {
        public override string ToString() => $"rename({Show(From)}, {Show(To)})";
    }

    private sealed record StatOp(string Path) : Op
    {
        public override string ToString() => $"stat({Show(Path)})";
    }

    private sealed record ReadDirOp(string Path) : Op
    {
        public override string ToString() => $"readdir({Show(Path)})";
    }

    private sealed record ChDirOp(string Path) : Op
    {
        public override string ToString() => $"chdir({Show(Path)})";
    }

    private sealed record KillOp(int Pid, Signal Signal) : Op;

    private sealed record SetPgidOp(int Pid, int Pgid) : Op;

    private sealed record WaitOp(int Pid, WaitOptions Options) : Op;

    private sealed record SleepOp(TimeSpan Duration) : Op;

    private sealed record HandlerOp(Signal Signal, bool Install, bool Restart) : Op;

    private sealed record SetEnvOp(string Key, string Value) : Op
    {
        public override string ToString() => $"setenv({Show(Key)}, {Show(Value)})";
    }

    private sealed record MallocOp(long Size) : Op;

    private sealed record MemoryOp(ulong Address, int Count, bool Write) : Op;

    private sealed record InfoOp : Op;

    private enum ParkedCall { Read, Write, Wait }

    private sealed record ParkedOp(ParkedCall Call, bool Restart) : Op;

    private sealed record ExitOp(int Code) : Op;

    private sealed record ForkOp(Op[] Ops) : Op
    {
        public override string ToString() => $"fork[{string.Join("; ", Ops.Select(o => o.ToString()))}]";
    }

    private static string Show(string text) =>
        "\"" + string.Concat((text.Length > 40 ? text[..20] + $"…({text.Length})" : text).Select(c => c < ' ' || c > '~' ? $"\\u{(int)c:x4}" : c.ToString())) + "\"";
}
