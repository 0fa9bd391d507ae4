namespace Fork.Messages;

/// <summary>POSIX error numbers with Linux numbering; <see cref="None"/> means no error.</summary>
public enum Errno
{
    None = 0,
    EPERM = 1,
    ENOENT = 2,
    ESRCH = 3,
    EINTR = 4,
    EIO = 5,
    EBADF = 9,
    ECHILD = 10,
    EAGAIN = 11,
    ENOMEM = 12,
    EACCES = 13,
    EFAULT = 14,
    EEXIST = 17,
    ENOTDIR = 20,
    EISDIR = 21,
    EINVAL = 22,
    EMFILE = 24,
    ESPIPE = 29,
    EPIPE = 32,
    ENOSYS = 38,
}
