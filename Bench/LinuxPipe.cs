using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Fork.Bench;

/// <summary>
/// The Linux pipe beside ours: <c>sh -c "dd if=/dev/zero bs=64K count=N | dd of=/dev/null bs=64K"</c>, timed here
/// around the whole command (process start-up included, small against the time it moves its data in), the byte count
/// checked on the reading dd's summary line (the writing dd's goes to /dev/null: two dd writing one stderr at once
/// can run their lines together). Skipped, with the reason, where sh or dd is not on PATH.
/// </summary>
internal static partial class LinuxPipe
{
    public const int WriteSize = 64 * 1024;

    /// <summary>Why the comparison cannot run here, or null when it can.</summary>
    public static string? Missing()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var dirs = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var missing = new[] { "sh", "dd" }.Where(tool => !dirs.Any(dir => File.Exists(Path.Combine(dir, tool)))).ToArray();
        return missing.Length == 0 ? null : $"{string.Join(" and ", missing)} not found on PATH ({(path.Length == 0 ? "empty" : path)})";
    }

    /// <summary>MiB/s of <paramref name="writes"/> 64 KiB writes through one Linux pipe.</summary>
    public static async Task<double> MiBPerSecondAsync(int writes)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"dd if=/dev/zero bs=64K count={writes} 2>/dev/null | dd of=/dev/null bs=64K");
        start.Environment["LC_ALL"] = "C";
        var clock = Stopwatch.StartNew();
        using var sh = Process.Start(start) ?? throw new InvalidOperationException("sh did not start");
        var stderr = await sh.StandardError.ReadToEndAsync();
        await sh.WaitForExitAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        var expected = (long)writes * WriteSize;
        var copied = CopiedBytes().Matches(stderr).Select(m => long.Parse(m.Groups[1].Value)).ToArray();
        if (sh.ExitCode != 0 || copied is not [var bytes] || bytes != expected)
            throw new InvalidOperationException($"dd | dd exited {sh.ExitCode}, expected {expected} bytes copied; stderr: {stderr.Trim()}");
        return expected / (double)(1 << 20) / seconds;
    }

    [GeneratedRegex(@"(\d+) bytes")]
    private static partial Regex CopiedBytes();
}
