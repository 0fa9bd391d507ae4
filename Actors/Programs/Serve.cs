using Fork.Messages;

namespace Fork.Actors.Programs;

/// <summary>
/// <c>serve</c>: keeps its host up as a fork host, whose spawner runs the children other nodes place here, until it is
/// told to stop: SIGTERM or SIGINT (the host sends init SIGTERM when it is stopped, by Ctrl-C or a service manager). It
/// logs the node's address when it starts and the signal when it ends, and exits 0.
/// </summary>
internal static class Serve
{
    public const string Name = "serve";

    public static async Task<int> Main(Libc libc)
    {
        Signal? stop = null;
        // Handlers run on the program's own context, between its calls: no other code of the program runs beside them.
        libc.SetSignalHandler(Signal.SIGTERM, signal => stop = signal);
        libc.SetSignalHandler(Signal.SIGINT, signal => stop = signal);
        libc.Log($"{Name}: {libc.Node} runs the forks other nodes place here, until SIGTERM or SIGINT");
        while (stop is null)
        {
            try
            {
                await libc.SleepAsync(TimeSpan.FromHours(1));
            }
            catch (PosixException e) when (e.Errno == Errno.EINTR)
            {
                // A caught signal ends a sleep (Linux nanosleep); the loop looks at what it was.
            }
        }

        libc.Log($"{Name}: {stop}: {libc.Node} stops serving");
        return 0;
    }
}
