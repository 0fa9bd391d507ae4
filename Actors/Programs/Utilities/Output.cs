using System.Text;

namespace Fork.Actors.Programs.Utilities;

/// <summary>
/// Buffered output to one descriptor (stdio's <c>FILE</c>): text gathers in a buffer and goes out in one write when
/// the buffer is full and at <see cref="Flush"/>, never a write per line.
/// </summary>
internal sealed class Output(Libc libc, int fd = Stdio.Out)
{
    private readonly byte[] _buffer = new byte[Stdio.ChunkSize];
    private int _count;

    public Task Write(string text) => Write(Encoding.UTF8.GetBytes(text));

    public Task WriteLine(string text) => Write(text + "\n");

    public async Task Write(ReadOnlyMemory<byte> bytes)
    {
        if (_count + bytes.Length > _buffer.Length) await Flush();
        if (bytes.Length >= _buffer.Length)
        {
            await libc.WriteAsync(fd, bytes);
            return;
        }

        bytes.Span.CopyTo(_buffer.AsSpan(_count));
        _count += bytes.Length;
    }

    public async Task Flush()
    {
        if (_count == 0) return;
        var count = _count;
        _count = 0;
        await libc.WriteAsync(fd, _buffer.AsMemory(0, count));
    }
}
