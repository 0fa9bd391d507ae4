namespace Fork.Actors.Programs.Shell;

/// <summary>
/// How a forked child of the shell becomes the program a command names. The shell execs (<see cref="ExecLauncher"/>);
/// a test may run programs in the child directly. A program that does not exist is <c>PosixException(ENOENT)</c>.
/// </summary>
internal interface IProgramLauncher
{
    /// <summary>Runs <paramref name="argv"/>[0] in the calling process; returns its exit code if it returns at all.</summary>
    Task<int> Launch(Libc libc, IReadOnlyList<string> argv);
}

/// <summary>execvp: the program, found in PATH when its name has no '/', replaces the child's.</summary>
internal sealed class ExecLauncher : IProgramLauncher
{
    public static ExecLauncher Instance { get; } = new();

    public async Task<int> Launch(Libc libc, IReadOnlyList<string> argv)
    {
        await libc.ExecAsync(argv[0], argv);
        // Not reached: a successful exec unwinds the caller's program.
        return 0;
    }
}
