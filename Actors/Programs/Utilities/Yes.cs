using System.Text;
using Fork.Messages;

namespace Fork.Actors.Programs.Utilities;

/// <summary>
/// <c>yes [WORD...]</c>: "y", or the words joined by spaces, a line at a time forever, written a buffer full at a
/// time. It ends when a write fails: with SIGPIPE's default action the runtime terminates it when the reader goes.
/// </summary>
internal static class Yes
{
    public const string Name = "yes";

    public static Task<int> Main(Libc libc) => Run(libc, libc.Args);

    public static async Task<int> Run(Libc libc, IReadOnlyList<string> args)
    {
        var words = Stdio.Operands(args);
        var line = Encoding.UTF8.GetBytes((words.Count == 0 ? "y" : string.Join(' ', words)) + "\n");
        var buffer = Repeated(line);
        try
        {
            while (true) await libc.WriteAsync(Stdio.Out, buffer);
        }
        catch (PosixException e)
        {
            // The SIGPIPE that came with EPIPE ends the process at its next call to it, if its action is the default.
            await libc.GetPpidAsync();
            await Stdio.Error(libc, $"{Name}: standard output: {Stdio.Describe(e.Errno)}");
            return 1;
        }
    }

    /// <summary>As many whole lines as fill a chunk (one line if it is longer).</summary>
    private static byte[] Repeated(byte[] line)
    {
        var copies = Math.Max(1, Stdio.ChunkSize / line.Length);
        var buffer = new byte[copies * line.Length];
        for (var i = 0; i < copies; i++) line.CopyTo(buffer, i * line.Length);
        return buffer;
    }
}
