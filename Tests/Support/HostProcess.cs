using System.Diagnostics;

namespace Fork.Tests;

/// <summary>The built host (<c>Fork.Host.dll</c> beside the tests), started as a user starts it, and the repository it comes from.</summary>
internal static class HostProcess
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>Start the host with <paramref name="args"/>, its standard streams redirected.</summary>
    public static Process Start(IEnumerable<string> args, bool input = false)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Fork.Host.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return Process.Start(start)!;
    }

    /// <summary>Run the host with <paramref name="args"/> to its end (at most 60 s).</summary>
    public static Task<(int Exit, string Output, string Errors)> Run(params string[] args) => Run(args, null);

    /// <summary>Run the host to its end (at most 60 s), with <paramref name="input"/> on its standard input if given.</summary>
    public static async Task<(int Exit, string Output, string Errors)> Run(IEnumerable<string> args, string? input)
    {
        using var host = Start(args, input is not null);
        if (input is not null)
        {
            await host.StandardInput.WriteAsync(input);
            host.StandardInput.Close();
        }

        var output = host.StandardOutput.ReadToEndAsync();
        var errors = host.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(Bound);
        try
        {
            await host.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            host.Kill(entireProcessTree: true);
            throw new TimeoutException($"the host did not end within {Bound.TotalSeconds:0} s");
        }

        return (host.ExitCode, await output, await errors);
    }

    /// <summary>Send the host SIGTERM, as a service manager (or Ctrl-C's SIGINT) stops it.</summary>
    public static async Task Terminate(Process host, CancellationToken cancellationToken)
    {
        using var kill = Process.Start("kill", ["-TERM", host.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync(cancellationToken);
    }

    /// <summary>The repository's root: the directory above the test assembly that holds <c>Fork.Actors.sln</c>.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Fork.Actors.sln"))) return directory.FullName;
        }

        throw new DirectoryNotFoundException("no Fork.Actors.sln above the test assembly");
    }
}
