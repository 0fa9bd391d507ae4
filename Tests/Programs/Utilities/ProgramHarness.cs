using System.Text;
using Fork.Actors;
using Fork.Messages;

namespace Fork.Tests.Utilities;

/// <summary>What a program run in a child left: its output and errors, its wait status, and how many processes it left to init.</summary>
public sealed record Outcome(string Stdout, string Stderr, WaitStatus Status, int Pid, int Left)
{
    public int ExitCode => Status.ExitCode;
}

/// <summary>
/// Runs a program the way a shell would, without exec: a forked child moves pipe ends onto 0, 1 and 2 and calls the
/// program's entry itself; another child feeds standard input; the caller reads output and errors to EOF and reaps
/// both. <see cref="ReapAll"/> then counts the zombies and orphans it left (orphans come to init).
/// </summary>
internal static class ProgramHarness
{
    public static async Task<Outcome> RunProgram(this Libc libc, ProcessMain program, string stdin = "")
    {
        var (inRead, inWrite) = await libc.PipeAsync();
        var (outRead, outWrite) = await libc.PipeAsync();
        var (errRead, errWrite) = await libc.PipeAsync();
        int[] all = [inRead, inWrite, outRead, outWrite, errRead, errWrite];
        var pid = await libc.ForkAsync(async child =>
        {
            await child.Dup2Async(inRead, 0);
            await child.Dup2Async(outWrite, 1);
            await child.Dup2Async(errWrite, 2);
            foreach (var fd in all) await child.CloseAsync(fd);
            return await program(child);
        });
        foreach (var fd in (int[])[inRead, outWrite, errWrite]) await libc.CloseAsync(fd);
        var feeder = await libc.ForkAsync(async child =>
        {
            if (stdin.Length > 0) await child.WriteAsync(inWrite, Encoding.UTF8.GetBytes(stdin));
            return 0;
        });
        await libc.CloseAsync(inWrite);
        var stdout = await libc.ReadAll(outRead);
        var stderr = await libc.ReadAll(errRead);
        var status = (await libc.Wait4Async(pid)).Status;
        // The feeder may have died of SIGPIPE when the program did not read everything: that is the program's right.
        await libc.Wait4Async(feeder);
        return new Outcome(stdout, stderr, status, pid, Left: 0);
    }

    /// <summary>Reaps every child the caller still has, live or zombie, and says how many there were.</summary>
    public static async Task<int> ReapAll(this Libc libc)
    {
        var count = 0;
        while ((await libc.Wait4Async(-1)).Pid > 0) count++;
        return count;
    }

    /// <summary>Reads until end of file, in chunks, and decodes what came as UTF-8.</summary>
    public static async Task<string> ReadAll(this Libc libc, int fd)
    {
        var text = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int count;
        while ((count = await libc.ReadAsync(fd, buffer)) > 0) text.Write(buffer, 0, count);
        await libc.CloseAsync(fd);
        return Encoding.UTF8.GetString(text.ToArray());
    }

    public static async Task WriteFile(this Libc libc, string path, string text)
    {
        var fd = await libc.OpenAsync(path, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Truncate);
        await libc.WriteAsync(fd, Encoding.UTF8.GetBytes(text));
        await libc.CloseAsync(fd);
    }
}
