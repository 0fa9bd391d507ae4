namespace Fork.Actors.Programs.Utilities;

/// <summary>
/// <c>cat [FILE|-]...</c>: copies each file, or standard input when there is none or for "-", to standard output in
/// chunks. A file that cannot be opened is reported on fd 2 and the others still go; the status is then 1.
/// </summary>
internal static class Cat
{
    public const string Name = "cat";

    public static Task<int> Main(Libc libc) => Run(libc, libc.Args);

    public static async Task<int> Run(Libc libc, IReadOnlyList<string> args)
    {
        var files = Stdio.Operands(args);
        var status = 0;
        var buffer = new byte[Stdio.ChunkSize];
        foreach (var name in files.Count == 0 ? ["-"] : files)
        {
            if (await Stdio.OpenInput(libc, Name, name) is not { } fd)
            {
                status = 1;
                continue;
            }

            await Copy(libc, fd, buffer);
            await Stdio.CloseInput(libc, fd);
        }

        return status;
    }

    private static async Task Copy(Libc libc, int fd, byte[] buffer)
    {
        int count;
        while ((count = await libc.ReadAsync(fd, buffer)) > 0) await libc.WriteAsync(Stdio.Out, buffer.AsMemory(0, count));
    }
}
