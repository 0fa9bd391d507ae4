using Akka.Actor;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fork.Actors;

public static class ForkRuntimeHostingExtensions
{
    /// <summary>
    /// Adds a <see cref="ForkRuntime"/> on the host's actor system (from <c>AddAkka</c>), with its limits and the program
    /// to run bound from <paramref name="section"/> and validated when the host starts.
    /// </summary>
    public static IServiceCollection AddForkRuntime(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<ForkRuntimeOptions>().Bind(section).ValidateOnStart();
        services.AddOptions<ForkHostOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ForkRuntimeOptions>, ForkRuntimeOptionsValidation>();
        services.AddSingleton<IValidateOptions<ForkHostOptions>, ForkHostOptionsValidation>();
        services.AddSingleton(provider =>
        {
            var system = provider.GetRequiredService<ActorSystem>();
            ForkTracing.Use(system, provider.GetRequiredService<ILoggerFactory>());
            var options = provider.GetRequiredService<IOptions<ForkRuntimeOptions>>().Value;
            var host = provider.GetRequiredService<IOptions<ForkHostOptions>>().Value;
            return ForkRuntime.Create(system, options with { HostStreams = host.HostStreams(), KeepHistory = options.KeepHistory || host.ShowsTree });
        });
        return services;
    }

    /// <summary>
    /// Every problem of a <c>Fork</c> section, each as one sentence naming its key: what a host checks before it starts,
    /// so a bad value is reported without a stack trace.
    /// </summary>
    public static IReadOnlyList<string> Problems(IConfiguration section)
    {
        try
        {
            var runtime = section.Get<ForkRuntimeOptions>() ?? new ForkRuntimeOptions();
            var host = section.Get<ForkHostOptions>() ?? new ForkHostOptions();
            return
            [
                .. new ForkRuntimeOptionsValidation().Validate(null, runtime).Failures ?? [],
                .. new ForkHostOptionsValidation().Validate(null, host).Failures ?? [],
                .. ForkClusterOptions.From(section)?.Validate() ?? [],
                .. MermaidTraceOptions.From(section).Problem is { } mermaid ? [mermaid] : Array.Empty<string>(),
            ];
        }
        catch (InvalidOperationException e)
        {
            return [e.Message];
        }
    }

    private sealed class ForkRuntimeOptionsValidation : IValidateOptions<ForkRuntimeOptions>
    {
        public ValidateOptionsResult Validate(string? name, ForkRuntimeOptions options) =>
            options.Validate() is { Count: > 0 } problems
                ? ValidateOptionsResult.Fail(problems.Select(p => $"{ForkHostOptions.Section}:{p}"))
                : ValidateOptionsResult.Success;
    }

    private sealed class ForkHostOptionsValidation : IValidateOptions<ForkHostOptions>
    {
        private readonly ProgramRegistry _programs = ProgramRegistry.WithBuiltIns();

        public ValidateOptionsResult Validate(string? name, ForkHostOptions options)
        {
            var problems = new List<string>();
            if (!_programs.TryGet(options.Program, out _))
                problems.Add($"{ForkHostOptions.Section}:Program names no built-in program (was \"{options.Program}\"; known: {string.Join(", ", _programs.Names)}).");
            if (options.Stdio is not ("null" or "console"))
                problems.Add($"{ForkHostOptions.Section}:Stdio must be null or console (was \"{options.Stdio}\").");
            problems.AddRange(options.TreeProblems());
            problems.AddRange(options.ToProcessOptions().Validate().Select(p => $"{ForkHostOptions.Section}:{p}"));
            return problems.Count > 0 ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
        }
    }
}
