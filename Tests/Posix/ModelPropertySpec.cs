using System.Runtime.CompilerServices;
using CsCheck;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// A model-based property: random sequences of fork, exit, kill, setpgid, wait4 and caught signals sent to children
/// parked in a read, run by init, agree with a small reference model of the POSIX rules; every child is reported exactly
/// once, no call hangs, nothing is left.
/// </summary>
/// <remarks>
/// Exits and kills take effect asynchronously, so the model only predicts what is certain: a child is Alive (blocked
/// reading its own pipe), Doomed (told to exit or killed: its status is known, not when it becomes a zombie) or Reaped.
/// WNOHANG is only used when no matching child is Doomed (the answer is 0); a wait that matches Doomed children blocks
/// and must return one of them with the status the model recorded for it; a wait that could block forever is issued
/// with WNOHANG instead. Kill and setpgid of a Doomed child could race its end, so the model skips them.
/// Each child has a SIGUSR2 handler (set before fork, so it is there from the child's first step), with SA_RESTART or
/// without, and it tells its parent it is parked in its read before fork returns. SIGUSR2 to a parked child with
/// SA_RESTART leaves it Alive (its read goes on and ends with the command it is sent later); without SA_RESTART the read
/// fails with EINTR after the handler ran once, and the child exits with 200 + the handler's runs: 201.
/// </remarks>
public sealed class ModelPropertySpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    private const int MaxChildren = 8;
    private static readonly TimeSpan SequenceBound = TimeSpan.FromSeconds(10);
    private static readonly Signal[] KillSignals = [Signal.SIGKILL, Signal.SIGTERM, Signal.SIGUSR1, Signal.SIGCHLD];

    private static readonly Gen<Op> Operation = Gen.Frequency(
        (3, Gen.Bool.Select(restart => (Op)new ForkOp(restart))),
        (2, Gen.Int[0, MaxChildren - 1].Select(child => (Op)new InterruptOp(child))),
        (3, Gen.Select(Gen.Int[0, MaxChildren - 1], Gen.Int[0, 255], (child, code) => (Op)new ExitOp(child, (byte)code))),
        (2, Gen.Select(Gen.Int[0, MaxChildren - 1], Gen.Int[0, KillSignals.Length - 1], (child, signal) => (Op)new KillOp(child, KillSignals[signal]))),
        (1, Gen.Select(Gen.Int[0, MaxChildren - 1], Gen.Int[0, KillSignals.Length - 1], (child, signal) => (Op)new KillGroupOp(child, KillSignals[signal]))),
        (2, Gen.Select(Gen.Int[0, MaxChildren - 1], Gen.Int[-2, MaxChildren - 1], (child, target) => (Op)new SetPgidOp(child, target))),
        (4, Gen.Select(Gen.Enum<Selector>(), Gen.Int[0, MaxChildren - 1], Gen.Bool, (selector, child, noHang) => (Op)new WaitOp(selector, child, noHang))));

    private static readonly Gen<Op[]> Sequences = Operation.Array[1, 12];

    [Fact]
    public async Task Random_sequences_of_fork_exit_kill_setpgid_and_wait4_agree_with_the_model()
    {
        await Sequences.SampleAsync(RunSequence, writeLine: Output.WriteLine, iter: RandomizedRuns.Sequences(400), threads: 1,
            print: ops => string.Join("; ", ops.Select(op => op.ToString())));
    }

    private async Task RunSequence(Op[] ops)
    {
        string? mismatch = null;
        var before = ActorsUnderUser();
        using var cancel = new CancellationTokenSource();
        var run = Runtime.RunAsync(async libc =>
        {
            try
            {
                await new Model(libc).Run(ops);
                return 0;
            }
            catch (ModelMismatch e)
            {
                mismatch = e.Message;
                return 1;
            }
        }, null, cancel.Token);

        if (await Task.WhenAny(run, Task.Delay(SequenceBound)) != run)
        {
            // End the namespace (SIGKILL to init) so the next sequence starts clean, then fail.
            await cancel.CancelAsync();
            await run.WaitAsync(SequenceBound);
            throw new TimeoutException($"the sequence did not end within {SequenceBound.TotalSeconds} s: a call hung");
        }

        var status = await run;
        if (mismatch is not null) throw new ModelMismatch(mismatch);
        Assert.Equal(WaitStatus.FromExit(0), status);
        // Only this sequence's actors: one an earlier sequence leaked must not mislead the shrinking of later ones.
        await AssertNoActorsLeft(before);
    }

    /// <summary>The reference model, driven by init: each operation is executed and its answer compared with the prediction.</summary>
    private sealed class Model(Libc libc)
    {
        private readonly List<Child> _children = [];
        private (int Read, int Write)? _ready;
        private readonly HashSet<int> _reported = [];
        private string _step = "";

        public async Task Run(IReadOnlyList<Op> ops)
        {
            for (var i = 0; i < ops.Count; i++)
            {
                _step = $"step {i + 1} ({ops[i]})";
                await Execute(ops[i]);
            }

            _step = "cleanup";
            foreach (var child in _children.Where(c => c.State == State.Alive))
            {
                await ExpectOk(() => libc.KillAsync(child.Pid, Signal.SIGKILL), $"kill({child.Pid}, SIGKILL)");
                child.Doom(WaitStatus.FromSignal(Signal.SIGKILL, false));
            }

            while (_children.Any(c => c.State == State.Doomed)) await WaitForDoomed(-1, WaitOptions.None);
            Expect((await libc.Wait4Async(-1)).Error == Errno.ECHILD, "wait4(-1) with every child reaped is not ECHILD");
            Expect((await libc.Wait4Async(-1, WaitOptions.WNOHANG)).Error == Errno.ECHILD, "wait4(-1, WNOHANG) with every child reaped is not ECHILD");
            Expect(_reported.SetEquals(_children.Select(c => c.Pid)), $"reported {string.Join(",", _reported)} but forked {string.Join(",", _children.Select(c => c.Pid))}");
        }

        private Task Execute(Op op) => op switch
        {
            ForkOp fork => Fork(fork.Restart),
            InterruptOp interrupt => Interrupt(interrupt),
            ExitOp exit => Exit(exit),
            KillOp kill => Kill(kill),
            KillGroupOp kill => KillGroup(kill),
            SetPgidOp set => SetPgid(set),
            WaitOp wait => Wait(wait),
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };

        private async Task Fork(bool restart)
        {
            if (_children.Count == MaxChildren) return;
            var (read, write) = await libc.PipeAsync();
            var ready = _ready ??= await libc.PipeAsync();
            // The child's own count of its handler's runs (the handler, inherited at fork, is the parent's delegate).
            var runs = new StrongBox<int>();
            libc.SetSignalHandler(Signal.SIGUSR2, _ => runs.Value++, restart);
            var pid = await libc.ForkAsync(async self =>
            {
                await self.CloseAsync(write);
                var command = new byte[1];
                // The read is sent before the byte that says so: a signal the parent sends after that byte finds it parked.
                var reading = self.ReadAsync(read, command);
                await self.WriteAsync(ready.Write, new byte[1]);
                int count;
                try
                {
                    count = await reading;
                }
                catch (PosixException e) when (e.Errno == Errno.EINTR)
                {
                    return 200 + runs.Value;
                }

                if (count != 1) return 200;
                // Both ways of ending: Exit keeps only the low 8 bits of its argument.
                if (command[0] % 2 == 1) self.Exit(command[0] + 256);
                return command[0];
            });
            libc.SetSignalHandler(Signal.SIGUSR2, null);
            await libc.CloseAsync(read);
            Expect(pid > 1 && _children.All(c => c.Pid != pid), $"fork returned {pid}, not a new pid");
            Expect(await libc.ReadAsync(ready.Read, new byte[1]) == 1, $"child {pid} did not say it is parked");
            _children.Add(new Child(pid, write, restart));
        }

        /// <summary>A caught signal to a child parked in its read: it goes on (SA_RESTART) or ends the read with EINTR.</summary>
        private async Task Interrupt(InterruptOp op)
        {
            if (Pick(op.Child) is not { State: State.Alive } child) return;
            await ExpectOk(() => libc.KillAsync(child.Pid, Signal.SIGUSR2), $"kill({child.Pid}, SIGUSR2)");
            if (!child.Restart) child.Doom(WaitStatus.FromExit(201));
        }

        private async Task Exit(ExitOp op)
        {
            if (Pick(op.Child) is not { State: State.Alive } child) return;
            await libc.WriteAsync(child.Gate, new[] { op.Code });
            child.Doom(WaitStatus.FromExit(op.Code));
        }

        private async Task Kill(KillOp op)
        {
            if (Pick(op.Child) is not { } child) return;
            switch (child.State)
            {
                case State.Reaped:
                    Expect(await PosixHelpers.ErrnoOf(() => libc.KillAsync(child.Pid, op.Signal)) == Errno.ESRCH, $"kill of reaped {child.Pid} is not ESRCH");
                    return;
                case State.Doomed when op.Signal != Signal.SIGCHLD:
                    return;
            }

            await ExpectOk(() => libc.KillAsync(child.Pid, op.Signal), $"kill({child.Pid}, {op.Signal})");
            if (child.State == State.Alive && op.Signal != Signal.SIGCHLD) child.Doom(WaitStatus.FromSignal(op.Signal, false));
        }

        private async Task KillGroup(KillGroupOp op)
        {
            if (Pick(op.Child) is not { } chosen || chosen.Pgid == 1) return;
            var members = _children.Where(c => c.State != State.Reaped && c.Pgid == chosen.Pgid).ToList();
            if (members.Count == 0)
            {
                Expect(await PosixHelpers.ErrnoOf(() => libc.KillAsync(-chosen.Pgid, op.Signal)) == Errno.ESRCH, $"kill of empty group {chosen.Pgid} is not ESRCH");
                return;
            }

            if (op.Signal != Signal.SIGCHLD && members.Any(c => c.State == State.Doomed)) return;
            await ExpectOk(() => libc.KillAsync(-chosen.Pgid, op.Signal), $"kill(-{chosen.Pgid}, {op.Signal})");
            if (op.Signal == Signal.SIGCHLD) return;
            foreach (var member in members) member.Doom(WaitStatus.FromSignal(op.Signal, false));
        }

        private async Task SetPgid(SetPgidOp op)
        {
            if (Pick(op.Child) is not { } child || child.State == State.Doomed) return;
            var pgid = op.Target switch
            {
                -2 => 1,
                -1 => child.Pid,
                _ => Pick(op.Target)!.Pgid,
            };
            var error = await PosixHelpers.ErrnoOf(() => libc.SetPgidAsync(child.Pid, pgid));
            if (child.State == State.Reaped)
            {
                Expect(error == Errno.ESRCH, $"setpgid({child.Pid}, {pgid}) of a reaped child gave {error}, not ESRCH");
                return;
            }

            var allowed = pgid == child.Pid || GroupExists(pgid);
            Expect(error == (allowed ? Errno.None : Errno.EPERM), $"setpgid({child.Pid}, {pgid}) gave {error}, expected {(allowed ? "success" : "EPERM")}");
            if (allowed) child.Pgid = pgid;
        }

        private async Task Wait(WaitOp op)
        {
            var chosen = Pick(op.Child);
            var selector = op.Selector switch
            {
                Selector.Pid => chosen?.Pid ?? 99_999,
                Selector.Any => -1,
                Selector.OwnGroup => 0,
                Selector.Group => chosen is null || chosen.Pgid == 1 ? 0 : -chosen.Pgid,
                _ => -77_777,
            };
            var matching = _children.Where(c => c.State != State.Reaped && Matches(c, selector)).ToList();
            if (matching.Count == 0)
            {
                var result = await libc.Wait4Async(selector, op.NoHang ? WaitOptions.WNOHANG : WaitOptions.None);
                Expect(result is { Pid: -1, Error: Errno.ECHILD }, $"wait4({selector}) with no matching child gave {result}, not ECHILD");
            }
            else if (matching.Any(c => c.State == State.Doomed))
            {
                await WaitForDoomed(selector, WaitOptions.None);
            }
            else
            {
                var result = await libc.Wait4Async(selector, WaitOptions.WNOHANG);
                Expect(result is { Pid: 0, Error: Errno.None }, $"wait4({selector}, WNOHANG) with only running children gave {result}, not 0");
            }
        }

        /// <summary>A wait that must return one of the Doomed children it matches, with the status the model recorded.</summary>
        private async Task WaitForDoomed(int selector, WaitOptions options)
        {
            var result = await libc.Wait4Async(selector, options);
            var child = _children.FirstOrDefault(c => c.Pid == result.Pid);
            Expect(child is { State: State.Doomed } && Matches(child, selector),
                $"wait4({selector}) gave {result}; expected one of {string.Join(", ", _children.Where(c => c.State == State.Doomed && Matches(c, selector)))}");
            Expect(result.Status == child!.Status, $"wait4({selector}) reported {result.Status} for {child.Pid}, expected {child.Status}");
            Expect(_reported.Add(child.Pid), $"{child.Pid} was reported twice");
            child.State = State.Reaped;
        }

        private static bool Matches(Child child, int selector) => selector switch
        {
            > 0 => child.Pid == selector,
            -1 => true,
            0 => child.Pgid == 1,
            _ => child.Pgid == -selector,
        };

        /// <summary>A group exists while a process not yet reaped is in it (init leads group 1).</summary>
        private bool GroupExists(int pgid) => pgid == 1 || _children.Any(c => c.State != State.Reaped && c.Pgid == pgid);

        private Child? Pick(int index) => _children.Count == 0 ? null : _children[index % _children.Count];

        private async Task ExpectOk(Func<Task> call, string what)
        {
            var error = await PosixHelpers.ErrnoOf(call);
            Expect(error == Errno.None, $"{what} failed with {error}");
        }

        private void Expect(bool holds, string message)
        {
            if (!holds) throw new ModelMismatch($"{_step}: {message}; model: {string.Join(", ", _children)}");
        }
    }

    private enum State { Alive, Doomed, Reaped }

    private enum Selector { Pid, Any, OwnGroup, Group, NoSuchGroup }

    private sealed class Child(int pid, int gate, bool restart)
    {
        public int Pid { get; } = pid;

        /// <summary>Its SIGUSR2 handler has SA_RESTART.</summary>
        public bool Restart { get; } = restart;

        /// <summary>The write end of the pipe the child reads its exit code from.</summary>
        public int Gate { get; } = gate;

        public State State { get; set; } = State.Alive;

        public int Pgid { get; set; } = 1;

        public WaitStatus Status { get; private set; }

        public void Doom(WaitStatus status)
        {
            State = State.Doomed;
            Status = status;
        }

        public override string ToString() => $"{Pid}:{State}{(State == State.Alive ? "" : $"({Status})")}@{Pgid}{(Restart ? "" : " EINTR")}";
    }

    private sealed class ModelMismatch(string message) : Exception(message);

    private abstract record Op;

    private sealed record ForkOp(bool Restart) : Op
    {
        public override string ToString() => Restart ? "fork" : "fork(SIGUSR2 without SA_RESTART)";
    }

    private sealed record InterruptOp(int Child) : Op
    {
        public override string ToString() => $"kill(#{Child}, SIGUSR2, caught)";
    }

    private sealed record ExitOp(int Child, byte Code) : Op
    {
        public override string ToString() => $"exit(#{Child}, {Code})";
    }

    private sealed record KillOp(int Child, Signal Signal) : Op
    {
        public override string ToString() => $"kill(#{Child}, {Signal})";
    }

    private sealed record KillGroupOp(int Child, Signal Signal) : Op
    {
        public override string ToString() => $"kill(-group of #{Child}, {Signal})";
    }

    /// <summary>Target -1: the child's own group; -2: init's group; otherwise the group of that child.</summary>
    private sealed record SetPgidOp(int Child, int Target) : Op
    {
        public override string ToString() => $"setpgid(#{Child}, {Target switch { -1 => "own", -2 => "init's", _ => $"group of #{Target}" }})";
    }

    private sealed record WaitOp(Selector Selector, int Child, bool NoHang) : Op
    {
        public override string ToString() => $"wait4({Selector}{(Selector is Selector.Pid or Selector.Group ? $" #{Child}" : "")}{(NoHang ? ", WNOHANG" : "")})";
    }
}
