using System.Text;

namespace Fork.Actors.Programs.Utilities;

/// <summary>
/// Lines from one descriptor (stdio's <c>fgets</c>): reads in chunks, and never more than the chunk that holds the
/// line asked for, so a reader that stops early leaves the rest of a pipe unread. A chunk of one byte reads exactly
/// the line and no further (what a shell needs on an input its commands share).
/// </summary>
internal sealed class LineReader(Libc libc, int fd, int chunkSize = Stdio.ChunkSize)
{
    private readonly byte[] _buffer = new byte[chunkSize];
    private int _start;
    private int _end;
    private bool _atEnd;

    /// <summary>The next line with its '\n' (the last one may lack it), or null at end of file.</summary>
    public async Task<string?> ReadLine()
    {
        MemoryStream? partial = null;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0) return Take(partial, newline + 1 - _start);

            if (_end > _start) (partial ??= new MemoryStream()).Write(_buffer, _start, _end - _start);
            _start = _end = 0;
            if (_atEnd) return partial is { Length: > 0 } ? Encoding.UTF8.GetString(partial.ToArray()) : null;
            _end = await libc.ReadAsync(fd, _buffer);
            _atEnd = _end == 0;
        }
    }

    private string Take(MemoryStream? partial, int length)
    {
        var taken = _buffer.AsSpan(_start, length);
        _start += length;
        if (partial is null) return Encoding.UTF8.GetString(taken);
        partial.Write(taken);
        return Encoding.UTF8.GetString(partial.ToArray());
    }
}
