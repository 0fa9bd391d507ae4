namespace Fork.Messages;

[Flags]
public enum OpenFlags
{
    ReadOnly = 0,
    WriteOnly = 1,
    ReadWrite = 2,
    Create = 0x40,
    Truncate = 0x200,
    Append = 0x400,
    CloseOnExec = 0x80000,
}

public static class OpenFlagsExtensions
{
    private const OpenFlags AccessMask = (OpenFlags)3;

    public static bool CanRead(this OpenFlags flags) => (flags & AccessMask) is OpenFlags.ReadOnly or OpenFlags.ReadWrite;

    public static bool CanWrite(this OpenFlags flags) => (flags & AccessMask) is OpenFlags.WriteOnly or OpenFlags.ReadWrite;
}
