namespace Fork.Messages;

/// <summary>A failed call of the runtime's libc, with its POSIX error number.</summary>
public sealed class PosixException : Exception
{
    public PosixException(Errno errno, string? message = null)
        : base(message is null ? $"{errno}" : $"{errno}: {message}") => Errno = errno;

    public Errno Errno { get; }
}
