using System.Text;
using Fork.Actors;
using Fork.Messages;
using Xunit;

namespace Fork.Tests;

/// <summary>
/// Small libc-level steps the Posix specs share: gates (a pipe a child blocks on until released), ints and text
/// through pipes, and the errno of a call.
/// </summary>
internal static class PosixHelpers
{
    /// <summary>The errno a call fails with, or <see cref="Errno.None"/> if it succeeds.</summary>
    public static async Task<Errno> ErrnoOf(Func<Task> call)
    {
        try
        {
            await call();
            return Errno.None;
        }
        catch (PosixException e)
        {
            return e.Errno;
        }
    }

    /// <summary>Forks a child that blocks on its own gate until <see cref="Release"/>d, then exits with <paramref name="code"/>.</summary>
    public static async Task<(int Pid, int Gate)> ForkGated(this Libc libc, int code)
    {
        var (read, write) = await libc.PipeAsync();
        var pid = await libc.ForkAsync(async child =>
        {
            await child.Await(read);
            return code;
        });
        return (pid, write);
    }

    /// <summary>Opens a gate: writes the one byte a process blocked on it waits for (<paramref name="code"/>, which some children exit with).</summary>
    public static async Task Release(this Libc libc, int writeFd, byte code = 0) =>
        Assert.Equal(1, await libc.WriteAsync(writeFd, new[] { code }));

    /// <summary>Blocks until one byte arrives on <paramref name="readFd"/>.</summary>
    public static async Task Await(this Libc libc, int readFd) => Assert.Equal(1, await libc.ReadAsync(readFd, new byte[1]));

    /// <summary>Writes <paramref name="values"/> in one write, four bytes each.</summary>
    public static Task WriteInts(this Libc libc, int fd, params int[] values) =>
        libc.WriteAsync(fd, values.SelectMany(BitConverter.GetBytes).ToArray());

    /// <summary>Reads one int written by <see cref="WriteInts"/>; fails if fewer than four bytes come.</summary>
    public static async Task<int> ReadInt(this Libc libc, int fd)
    {
        var buffer = new byte[4];
        Assert.Equal(4, await libc.ReadAsync(fd, buffer));
        return BitConverter.ToInt32(buffer);
    }

    /// <summary>Reads until end of file (0 from read) and decodes what came as UTF-8.</summary>
    public static async Task<string> ReadToEnd(this Libc libc, int fd)
    {
        var text = new List<byte>();
        var buffer = new byte[64];
        int count;
        while ((count = await libc.ReadAsync(fd, buffer)) > 0) text.AddRange(buffer.AsSpan(0, count));
        return Encoding.UTF8.GetString(text.ToArray());
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes (fails at an early end of file) and decodes them as UTF-8.</summary>
    public static async Task<string> ReadExactly(this Libc libc, int fd, int count)
    {
        var buffer = new byte[count];
        var filled = 0;
        while (filled < count)
        {
            var read = await libc.ReadAsync(fd, buffer.AsMemory(filled));
            Assert.True(read > 0, $"end of file after {filled} of {count} bytes");
            filled += read;
        }

        return Encoding.UTF8.GetString(buffer);
    }
}
