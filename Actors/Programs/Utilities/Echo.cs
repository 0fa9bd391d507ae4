using System.Text;
using Fork.Messages;

namespace Fork.Actors.Programs.Utilities;

/// <summary><c>echo [-n] WORD...</c>: the words joined by spaces, then a newline unless <c>-n</c> came first.</summary>
internal static class Echo
{
    public const string Name = "echo";

    public static Task<int> Main(Libc libc) => Run(libc, libc.Args);

    public static async Task<int> Run(Libc libc, IReadOnlyList<string> args)
    {
        var words = Stdio.Operands(args);
        var newline = words.Count == 0 || words[0] != "-n";
        var text = string.Join(' ', newline ? words : words.Skip(1)) + (newline ? "\n" : "");
        try
        {
            if (text.Length > 0) await libc.WriteAsync(Stdio.Out, Encoding.UTF8.GetBytes(text));
            return 0;
        }
        catch (PosixException e)
        {
            await Stdio.Error(libc, $"{Name}: write error: {Stdio.Describe(e.Errno)}");
            return 1;
        }
    }
}
