using Fork.Actors.Programs;
using Fork.Actors.Programs.Shell;
using Fork.Actors.Programs.Utilities;

namespace Fork.Actors;

/// <summary>The programs every node knows by name; the host runs one of them as init.</summary>
internal static class BuiltInPrograms
{
    public static IEnumerable<(string Name, ProcessMain Main)> All =>
    [
        (TestFork.Name, TestFork.Main),
        ("hello", Hello),
        ("ps", ProcTools.Ps),
        ("pstree", ProcTools.PsTree),
        (Sh.Name, Sh.Main),
        (Echo.Name, Echo.Main),
        (Cat.Name, Cat.Main),
        (Wc.Name, Wc.Main),
        (Grep.Name, Grep.Main),
        (Head.Name, Head.Main),
        (Seq.Name, Seq.Main),
        (Yes.Name, Yes.Main),
        (True.Name, True.Main),
        (False.Name, False.Main),
        (Sleep.Name, Sleep.Main),
        (Kill.Name, Kill.Main),
        (Spread.Name, Spread.Main),
        (SpreadWorker.Name, SpreadWorker.Main),
        (Serve.Name, Serve.Main),
    ];

    private static Task<int> Hello(Libc libc)
    {
        libc.Log($"hello from pid {libc.Pid}, argv [{string.Join(", ", libc.Args)}], cwd {libc.Cwd}");
        return Task.FromResult(0);
    }
}
