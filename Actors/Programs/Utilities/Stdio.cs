using System.Text;
using Fork.Messages;

namespace Fork.Actors.Programs.Utilities;

/// <summary>
/// What the utilities share: the standard descriptors, the chunk size they read and write in, the operands of an
/// argv, and a diagnostic line on standard error worded as coreutils words it (strerror's text).
/// </summary>
internal static class Stdio
{
    public const int In = 0;
    public const int Out = 1;
    public const int Err = 2;
    public const int ChunkSize = 16 * 1024;

    /// <summary>argv without argv[0], the program's name.</summary>
    public static IReadOnlyList<string> Operands(IReadOnlyList<string> args) => args.Count > 1 ? [.. args.Skip(1)] : [];

    /// <summary>One line on fd 2. A diagnostic that cannot be written is dropped: it must not hide the status.</summary>
    public static async Task Error(Libc libc, string line)
    {
        try
        {
            await libc.WriteAsync(Err, Encoding.UTF8.GetBytes(line + "\n"));
        }
        catch (PosixException)
        {
        }
    }

    /// <summary>strerror(3) for the errnos a utility reports.</summary>
    public static string Describe(Errno errno) => errno switch
    {
        Errno.ENOENT => "No such file or directory",
        Errno.ENOTDIR => "Not a directory",
        Errno.EISDIR => "Is a directory",
        Errno.EACCES => "Permission denied",
        Errno.EPERM => "Operation not permitted",
        Errno.ESRCH => "No such process",
        Errno.EINVAL => "Invalid argument",
        Errno.EPIPE => "Broken pipe",
        Errno.EBADF => "Bad file descriptor",
        Errno.ENOEXEC => "Exec format error",
        Errno.EHOSTUNREACH => "No route to host",
        _ => errno.ToString(),
    };

    /// <summary>Opens an operand for reading ("-" is standard input); null after a "NAME: reason" line on fd 2.</summary>
    public static async Task<int?> OpenInput(Libc libc, string program, string name)
    {
        if (name == "-") return In;
        try
        {
            return await libc.OpenAsync(name, OpenFlags.ReadOnly);
        }
        catch (PosixException e)
        {
            await Error(libc, $"{program}: {name}: {Describe(e.Errno)}");
            return null;
        }
    }

    /// <summary>Closes what <see cref="OpenInput"/> opened (never standard input).</summary>
    public static async Task CloseInput(Libc libc, int fd)
    {
        if (fd != In) await libc.CloseAsync(fd);
    }
}
