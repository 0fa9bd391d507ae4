using Fork.Messages;

namespace Fork.Actors;

/// <summary>Path arithmetic of the namespace's file system.</summary>
internal static class Paths
{
    /// <summary>An absolute, normalized path: <paramref name="path"/> relative to <paramref name="cwd"/>.</summary>
    public static string Resolve(string cwd, string path)
    {
        if (string.IsNullOrEmpty(path)) throw new PosixException(Errno.ENOENT, "empty path");
        var parts = new List<string>();
        foreach (var part in (path.StartsWith('/') ? path : cwd + "/" + path).Split('/'))
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
}
