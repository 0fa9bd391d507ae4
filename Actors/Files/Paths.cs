using System.Text;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>Path syntax and arithmetic of the namespace's file system (Linux limits).</summary>
internal static class Paths
{
    /// <summary>Linux NAME_MAX: bytes of one component.</summary>
    public const int NameMax = 255;

    /// <summary>A name a directory can hold: not empty, ".", "..", nor with '/' or NUL, at most <see cref="NameMax"/> bytes.</summary>
    public static bool IsFileName(string name) =>
        name is not ("" or "." or "..") && !name.Contains('/') && !name.Contains('\0') && Encoding.UTF8.GetByteCount(name) <= NameMax;

    /// <summary>Linux PATH_MAX: bytes of a path, its terminating NUL included.</summary>
    public const int PathMax = 4096;

    /// <summary>
    /// The errno a path is refused with before any lookup (EINVAL for NUL, ENOENT for empty, ENAMETOOLONG), or
    /// <see cref="Errno.None"/>. Lengths count UTF-8 bytes, as a C library would pass them.
    /// </summary>
    public static Errno Problem(string path, out string reason, int maxBytes = PathMax)
    {
        reason = "";
        if (path.Length == 0)
        {
            reason = "empty path";
            return Errno.ENOENT;
        }

        if (path.Contains('\0'))
        {
            reason = "a path cannot hold NUL";
            return Errno.EINVAL;
        }

        // Cheap bound first: a UTF-8 byte is at most one UTF-16 unit, so a long path is also long in bytes.
        if (path.Length >= maxBytes || Encoding.UTF8.GetByteCount(path) >= maxBytes)
        {
            reason = $"a path has fewer than {maxBytes} bytes";
            return Errno.ENAMETOOLONG;
        }

        foreach (var part in path.Split('/'))
        {
            if (part.Length > NameMax || Encoding.UTF8.GetByteCount(part) > NameMax)
            {
                reason = $"a path component has at most {NameMax} bytes";
                return Errno.ENAMETOOLONG;
            }
        }

        return Errno.None;
    }

    /// <summary>Throws the <see cref="PosixException"/> of <see cref="Problem"/>, if any.</summary>
    public static string Checked(string? path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var problem = Problem(path, out var reason);
        return problem == Errno.None ? path : throw new PosixException(problem, $"{reason}: \"{Shorten(path)}\"");
    }

    /// <summary>
    /// <paramref name="path"/> as the file system resolves it: absolute as given, or relative to <paramref name="cwd"/>.
    /// Not normalized: "." and ".." are resolved by the file system, through the directories they name (Linux).
    /// </summary>
    public static string Absolute(string cwd, string path) => path.StartsWith('/') ? path : cwd + "/" + path;

    /// <summary>An absolute, normalized path: <paramref name="path"/> relative to <paramref name="cwd"/>.</summary>
    /// <remarks>Lexical: equal to the physical path only once the file system has found every component a directory.</remarks>
    public static string Resolve(string cwd, string path)
    {
        if (string.IsNullOrEmpty(path)) throw new PosixException(Errno.ENOENT, "empty path");
        var parts = new List<string>();
        foreach (var part in Absolute(cwd, path).Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == "..")
            {
                if (parts.Count > 0) parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        return "/" + string.Join('/', parts);
    }

    public static string Shorten(string path) => path.Length <= 80 ? path : path[..77] + "...";
}
