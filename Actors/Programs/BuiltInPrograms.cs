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
    ];

    private static Task<int> Hello(Libc libc)
    {
        libc.Log($"hello from pid {libc.Pid}, argv [{string.Join(", ", libc.Args)}], cwd {libc.Cwd}");
        return Task.FromResult(0);
    }
}
