using Fork.Actors;
using Fork.Actors.Programs.Shell;
using Fork.Actors.Programs.Utilities;
using Fork.Messages;

namespace Fork.Tests.Shell;

/// <summary>
/// Starts a program in the shell's forked child by calling its entry, where exec would replace the child's program:
/// a name (or /bin/NAME) is looked up among the utilities and sh; a path to a file that is no program is ENOEXEC;
/// anything else ENOENT. Lets the interpreter be tested before exec is served.
/// </summary>
internal sealed class InProcessLauncher : IProgramLauncher
{
    public static InProcessLauncher Instance { get; } = new();

    private static readonly Dictionary<string, Func<Libc, IReadOnlyList<string>, Task<int>>> Programs = new()
    {
        [Echo.Name] = Echo.Run,
        [Cat.Name] = Cat.Run,
        [Wc.Name] = Wc.Run,
        [Grep.Name] = Grep.Run,
        [Head.Name] = Head.Run,
        [Seq.Name] = Seq.Run,
        [Yes.Name] = Yes.Run,
        [True.Name] = True.Run,
        [False.Name] = False.Run,
        [Sleep.Name] = Sleep.Run,
        [Kill.Name] = Kill.Run,
        [Sh.Name] = (libc, argv) => Sh.Run(libc, argv, Instance),
    };

    public async Task<int> Launch(Libc libc, IReadOnlyList<string> argv)
    {
        var name = argv[0].StartsWith("/bin/", StringComparison.Ordinal) ? argv[0]["/bin/".Length..] : argv[0];
        if (!name.Contains('/') && Programs.TryGetValue(name, out var program)) return await Started(program, libc, argv);
        if (!name.Contains('/')) throw new PosixException(Errno.ENOENT, $"no program {name} in /bin");
        await libc.StatAsync(name);
        throw new PosixException(Errno.ENOEXEC, $"{name} is no program");
    }

    /// <summary>Once exec has succeeded, what the program throws is its own crash, not a failure to start it.</summary>
    private static async Task<int> Started(Func<Libc, IReadOnlyList<string>, Task<int>> program, Libc libc, IReadOnlyList<string> argv)
    {
        try
        {
            return await program(libc, argv);
        }
        catch (PosixException e)
        {
            throw new InvalidOperationException($"{argv[0]} failed", e);
        }
    }
}
