using Fork.Messages;

namespace Fork.Actors.Programs.Utilities;

/// <summary>
/// <c>kill [-SIGNAL|-N|-s SIGNAL] PID...</c>: sends the signal (SIGTERM by default; a name with or without "SIG", or
/// a number) to each pid; <c>kill -l</c> lists the names. Status 1 if any pid could not be signalled.
/// </summary>
internal static class Kill
{
    public const string Name = "kill";

    public static Task<int> Main(Libc libc) => Run(libc, libc.Args);

    public static async Task<int> Run(Libc libc, IReadOnlyList<string> args)
    {
        var operands = Stdio.Operands(args).ToList();
        if (operands is ["-l"])
        {
            var names = Enum.GetValues<Signal>().Select(s => s.ToString()[3..]);
            await libc.WriteAsync(Stdio.Out, System.Text.Encoding.UTF8.GetBytes(string.Join(' ', names) + "\n"));
            return 0;
        }

        var signal = Signal.SIGTERM;
        if (operands.Count > 0 && operands[0].StartsWith('-') && operands[0] != "--")
        {
            var spec = operands[0] == "-s" && operands.Count > 1 ? operands[1] : operands[0][1..];
            operands.RemoveRange(0, operands[0] == "-s" ? 2 : 1);
            if (ParseSignal(spec) is not { } parsed)
            {
                await Stdio.Error(libc, $"{Name}: {spec}: invalid signal specification");
                return 1;
            }

            signal = parsed;
        }

        if (operands is ["--", ..]) operands.RemoveAt(0);
        if (operands.Count == 0)
        {
            await Stdio.Error(libc, $"usage: {Name} [-SIGNAL|-s SIGNAL] PID...");
            return 2;
        }

        var status = 0;
        foreach (var operand in operands)
        {
            if (!await Send(libc, operand, signal)) status = 1;
        }

        return status;
    }

    private static async Task<bool> Send(Libc libc, string operand, Signal signal)
    {
        if (!int.TryParse(operand, out var pid))
        {
            await Stdio.Error(libc, $"{Name}: {operand}: arguments must be process or job IDs");
            return false;
        }

        try
        {
            await libc.KillAsync(pid, signal);
            return true;
        }
        catch (PosixException e)
        {
            await Stdio.Error(libc, $"{Name}: ({pid}) - {Stdio.Describe(e.Errno)}");
            return false;
        }
    }

    private static Signal? ParseSignal(string spec)
    {
        if (int.TryParse(spec, out var number)) return Signals.IsValid((Signal)number) ? (Signal)number : null;
        var name = spec.StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? spec : "SIG" + spec;
        return Enum.TryParse<Signal>(name, ignoreCase: true, out var signal) && Enum.IsDefined(signal) ? signal : null;
    }
}
