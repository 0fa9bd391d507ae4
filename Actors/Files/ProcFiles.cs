using System.Text;
using System.Text.RegularExpressions;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// /proc of a namespace, generated on read from its process table: /proc lists one directory per pid not yet reaped
/// (zombies included), /proc/PID holds status, and /proc/PID/status is Linux's format, one key a line. A reaped pid has
/// no entry (ENOENT). /proc/self is the caller's own: its libc names it by pid.
/// </summary>
internal static partial class ProcFiles
{
    /// <summary>The pid and the file (null: the pid's directory) a path of /proc names, or null for any other path.</summary>
    public static (int Pid, string? File)? Parse(string path)
    {
        var match = ProcPath().Match(path);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, out var pid)) return null;
        return (pid, match.Groups[2].Success ? match.Groups[2].Value : null);
    }

    /// <summary>The names in /proc: the pids, ascending, and self.</summary>
    public static IReadOnlyList<string> Listing(ProcessTable table) =>
        [.. table.Entries.Select(e => e.Key).Order().Select(pid => pid.ToString()), "self"];

    /// <summary>
    /// /proc/PID/status now, or null when the pid names no process. <c>Node:</c> is the cluster node the process runs on
    /// (<paramref name="home"/>, the namespace's node, unless it runs on another).
    /// </summary>
    public static string? Status(ProcessTable table, int pid, Akka.Actor.Address home)
    {
        if (table[pid] is not { } entry) return null;
        var view = entry.View;
        var (letter, word) = !entry.Alive ? ('Z', "zombie") : view?.State ?? ('R', "running");
        var text = new StringBuilder()
            .Append("Name:\t").Append(view?.Command ?? "").Append('\n')
            .Append("State:\t").Append(letter).Append(" (").Append(word).Append(")\n")
            .Append("Pid:\t").Append(pid).Append('\n')
            .Append("PPid:\t").Append(entry.Ppid).Append('\n')
            .Append("NSpgid:\t").Append(entry.Pgid).Append('\n')
            .Append("VmRSS:\t").Append($"{(entry.Alive ? view?.ResidentBytes ?? 0 : 0) / 1024,8}").Append(" kB\n")
            .Append("Node:\t").Append(view?.Node ?? home).Append('\n');
        return text.ToString();
    }

    [GeneratedRegex(@"^/proc/(\d{1,10})(?:/(status))?/?$")]
    private static partial Regex ProcPath();
}
