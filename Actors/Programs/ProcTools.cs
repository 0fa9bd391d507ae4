using System.Text;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>ps and pstree: what /proc says of the namespace's processes, read as any program reads files.</summary>
internal static class ProcTools
{
    /// <summary>ps: PID PPID PGID STAT COMMAND, one process not yet reaped a line, by pid.</summary>
    public static async Task<int> Ps(Libc libc)
    {
        var text = new StringBuilder($"{"PID",5} {"PPID",5} {"PGID",5} STAT COMMAND\n");
        foreach (var process in await Processes(libc))
            text.Append($"{process.Pid,5} {process.Ppid,5} {process.Pgid,5} {process.State,-4} {process.Name}\n");
        await libc.WriteAsync(1, Encoding.UTF8.GetBytes(text.ToString()));
        return 0;
    }

    /// <summary>pstree: the tree of processes from init, each as name(pid), children below their parent.</summary>
    public static async Task<int> PsTree(Libc libc)
    {
        var processes = await Processes(libc);
        var pids = processes.Select(p => p.Pid).ToHashSet();
        var children = processes.ToLookup(p => pids.Contains(p.Ppid) ? p.Ppid : 0);
        var text = new StringBuilder();
        foreach (var root in children[0]) Draw(root, "", "", text, children);
        await libc.WriteAsync(1, Encoding.UTF8.GetBytes(text.ToString()));
        return 0;
    }

    private static void Draw(Process process, string lead, string indent, StringBuilder text, ILookup<int, Process> children)
    {
        text.Append(lead).Append(process.Name).Append('(').Append(process.Pid).Append(")\n");
        var below = children[process.Pid].ToList();
        for (var i = 0; i < below.Count; i++)
        {
            var last = i == below.Count - 1;
            Draw(below[i], indent + (last ? "└─ " : "├─ "), indent + (last ? "   " : "│  "), text, children);
        }
    }

    /// <summary>Every process /proc lists, from its status file; one reaped meanwhile is left out.</summary>
    private static async Task<List<Process>> Processes(Libc libc)
    {
        var processes = new List<Process>();
        foreach (var name in await libc.ReadDirAsync("/proc"))
        {
            if (!int.TryParse(name, out var pid)) continue;
            try
            {
                var fd = await libc.OpenAsync($"/proc/{pid}/status", OpenFlags.ReadOnly);
                var status = await ReadAll(libc, fd);
                await libc.CloseAsync(fd);
                processes.Add(Parse(pid, status));
            }
            catch (PosixException e) when (e.Errno == Errno.ENOENT)
            {
            }
        }

        return processes;
    }

    private static Process Parse(int pid, string status)
    {
        var fields = status.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(":\t", 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1]);
        return new Process(pid, int.Parse(fields["PPid"]), int.Parse(fields["NSpgid"]), fields["State"][..1], fields["Name"]);
    }

    private static async Task<string> ReadAll(Libc libc, int fd)
    {
        var bytes = new List<byte>();
        var buffer = new byte[4096];
        int count;
        while ((count = await libc.ReadAsync(fd, buffer)) > 0) bytes.AddRange(buffer.AsSpan(0, count));
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private sealed record Process(int Pid, int Ppid, int Pgid, string State, string Name);
}
