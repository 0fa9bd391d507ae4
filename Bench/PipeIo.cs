using Fork.Actors;

namespace Fork.Bench;

/// <summary>Whole-buffer reads and writes on a descriptor, as a C program would loop over read(2) and write(2).</summary>
internal static class PipeIo
{
    /// <summary>
    /// Fills <paramref name="buffer"/>; false at EOF before its first byte, an exception at EOF inside it. On a pipe
    /// whose writes are all of this size (at most PIPE_BUF, so atomic) a read returns all of one write at once.
    /// </summary>
    public static async Task<bool> ReadFullAsync(Libc libc, int fd, Memory<byte> buffer)
    {
        for (var filled = 0; filled < buffer.Length;)
        {
            var read = await libc.ReadAsync(fd, buffer[filled..]);
            if (read == 0)
                return filled == 0 ? false : throw new InvalidOperationException($"EOF after {filled} of {buffer.Length} bytes on fd {fd}");
            filled += read;
        }

        return true;
    }

    /// <summary>Writes all of <paramref name="data"/>, going on after a partial write.</summary>
    public static async Task WriteAllAsync(Libc libc, int fd, ReadOnlyMemory<byte> data)
    {
        for (var written = 0; written < data.Length;) written += await libc.WriteAsync(fd, data[written..]);
    }
}
