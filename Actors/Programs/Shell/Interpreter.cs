using System.Globalization;
using Fork.Actors.Programs.Utilities;
using Fork.Messages;

namespace Fork.Actors.Programs.Shell;

/// <summary>
/// Runs a parsed script in the shell's process. Each pipeline stage is a forked child (<see cref="Stage"/>) that
/// becomes its program through the launcher; the shell waits for every stage and takes the last one's status (128+N
/// for one killed by signal N). A background list runs in a forked subshell, reaped by <c>wait</c> or as soon as it
/// has ended. Built-ins alone in a pipeline run here. A child never touches this object's state: whatever it needs
/// is copied into its closure (fork shares the .NET heap, not the shell's variables).
/// </summary>
internal sealed partial class Interpreter(Libc libc, IProgramLauncher launcher, int? shellPid = null, int status = 0)
{
    private readonly int _shellPid = shellPid ?? libc.Pid;
    private readonly List<int> _jobs = [];

    // Background jobs reaped before a `wait PID` asked for them, with their status (as bash remembers them).
    private readonly Dictionary<int, int> _finished = [];
    private int _lastJob;

    /// <summary><c>$?</c>: the status of the last pipeline.</summary>
    public int Status { get; private set; } = status;

    /// <summary>Set by <c>exit</c>: the shell stops with this status.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>A line the shell could not parse: <c>$?</c> becomes <paramref name="code"/>.</summary>
    public void Fail(int code) => Status = code;

    public async Task<int> Run(Script script)
    {
        foreach (var item in script.Items)
        {
            if (ExitCode is not null) break;
            await ReapFinishedJobs();
            if (item.Background) await StartJob(item.Command);
            else await RunAndOr(item.Command);
        }

        await ReapFinishedJobs();
        return ExitCode ?? Status;
    }

    private async Task RunAndOr(AndOr command)
    {
        Status = await RunPipeline(command.First);
        foreach (var chained in command.Rest)
        {
            if (ExitCode is not null) return;
            if ((chained.Connector == Connector.AndIf) == (Status == 0)) Status = await RunPipeline(chained.Pipeline);
        }
    }

    /// <summary><c>LIST &amp;</c>: a subshell runs it with standard input from /dev/null (XCU 2.9.3); <c>$?</c> is 0.</summary>
    private async Task StartJob(AndOr command)
    {
        var (programs, parentPid, lastStatus) = (launcher, _shellPid, Status);
        try
        {
            _lastJob = await libc.ForkAsync(async child =>
            {
                await Stage.Move(child, await child.OpenAsync("/dev/null", OpenFlags.ReadOnly), Stdio.In);
                var subshell = new Interpreter(child, programs, parentPid, lastStatus);
                await subshell.RunAndOr(command);
                return subshell.ExitCode ?? subshell.Status;
            });
        }
        catch (PosixException e)
        {
            await Stdio.Error(libc, $"sh: fork: {Stdio.Describe(e.Errno)}");
            Status = 2;
            return;
        }

        _jobs.Add(_lastJob);
        Status = 0;
    }

    private async Task<int> RunPipeline(Pipeline pipeline)
    {
        var commands = pipeline.Commands.Select(Prepare).ToList();
        if (commands is [{ Argv: [var name, ..] } only] && IsBuiltin(name)) return await RunBuiltinHere(only);
        var pids = new List<int>();
        try
        {
            await StartStages(commands, pids);
        }
        catch (PosixException e)
        {
            await Stdio.Error(libc, $"sh: fork: {Stdio.Describe(e.Errno)}");
            await WaitAll(pids);
            return 2;
        }

        return await WaitAll(pids);
    }

    /// <summary>
    /// Forks one child a stage, each joined to the next by a pipe. The shell closes each pipe end as soon as the
    /// children that use it have it, so that a reader sees EOF when its writer ends.
    /// </summary>
    private async Task StartStages(IReadOnlyList<PreparedCommand> commands, List<int> pids)
    {
        var program = ChildProgram();
        int? input = null;
        for (var i = 0; i < commands.Count; i++)
        {
            (int ReadFd, int WriteFd)? pipe = null;
            try
            {
                if (i < commands.Count - 1) pipe = await libc.PipeAsync();
                var (command, plumbing) = (commands[i], new Plumbing(input, pipe?.WriteFd, pipe?.ReadFd));
                pids.Add(await libc.ForkAsync(child => Stage.Run(child, command, plumbing, program)));
            }
            catch (PosixException) when (pipe is { } broken)
            {
                await Stage.Closed(libc, broken.ReadFd);
                throw;
            }
            finally
            {
                if (input is { } read) await Stage.Closed(libc, read);
                if (pipe is { } made) await Stage.Closed(libc, made.WriteFd);
            }

            input = pipe?.ReadFd;
        }
    }

    /// <summary>What a stage's child runs once its descriptors are set: a built-in in a subshell, else the program.</summary>
    private Func<Libc, IReadOnlyList<string>, Task<int>> ChildProgram()
    {
        var (programs, parentPid, lastStatus) = (launcher, _shellPid, Status);
        return (child, argv) => IsBuiltin(argv[0])
            ? new Interpreter(child, programs, parentPid, lastStatus).RunBuiltin(argv)
            : Stage.Launch(child, argv, programs);
    }

    /// <summary>Waits for every pid, in order; the status is the last one's.</summary>
    private async Task<int> WaitAll(IEnumerable<int> pids)
    {
        var last = 0;
        foreach (var pid in pids) last = StatusOf(await libc.Wait4Async(pid));
        return last;
    }

    /// <summary>XCU 2.8.2: the exit status, or 128+N for a command killed by signal N.</summary>
    private static int StatusOf(WaitResult result) =>
        result.Pid < 0 ? 127 : result.Status.Signaled ? 128 + (int)result.Status.TermSignal : result.Status.ExitCode;

    private async Task ReapFinishedJobs()
    {
        foreach (var pid in _jobs.ToList())
        {
            var reaped = await libc.Wait4Async(pid, WaitOptions.WNOHANG);
            if (reaped.Pid == 0) continue;
            _jobs.Remove(pid);
            if (reaped.Pid == pid) _finished[pid] = StatusOf(reaped);
        }
    }

    private PreparedCommand Prepare(SimpleCommand command) => new(
        [.. command.Words.Select(Expand)],
        [.. command.Redirections.Select(r => new PreparedRedirection(r.Fd, r.Operator, Expand(r.Target)))]);

    private string Expand(Word word) => string.Concat(word.Parts.Select(part => part switch
    {
        Literal literal => literal.Text,
        Parameter { Name: "?" } => Status.ToString(CultureInfo.InvariantCulture),
        Parameter { Name: "$" } => _shellPid.ToString(CultureInfo.InvariantCulture),
        Parameter { Name: "!" } => _lastJob == 0 ? "" : _lastJob.ToString(CultureInfo.InvariantCulture),
        Parameter variable => libc.Environment.TryGetValue(variable.Name, out var value) ? value : "",
        _ => "",
    }));
}
