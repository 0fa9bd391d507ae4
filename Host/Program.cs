using Akka.Hosting;
using Fork.Actors;
using Fork.Host;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The generic host: appsettings.json (repository root, copied beside the binary) and the command line
// (--Fork:Program=NAME, --Fork:ForkRamQuota=N, ...) configure the runtime and the program run as init.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
var problems = ForkRuntimeHostingExtensions.Problems(builder.Configuration.GetSection(ForkHostOptions.Section)).Concat(Telemetry.Problems(builder.Configuration)).ToList();
if (problems.Count > 0)
{
    foreach (var problem in problems) Console.Error.WriteLine($"configuration error: {problem}");
    return 2;
}

builder.Services.AddSingleton<ExitCode>();
builder.Services.AddAkka("fork", akka => akka.ConfigureLoggers(loggers =>
{
    loggers.ClearLoggers();
    loggers.AddLoggerFactory();
})
    // The host's stop ends the actor system (Akka.Hosting runs its coordinated shutdown when it stops), after init has
    // had its SIGTERM: Akka's own hook on process exit would end the actor system, and init with it, at the first signal.
    .AddHocon("akka.coordinated-shutdown.run-by-clr-shutdown-hook = off", HoconAddMode.Prepend)
    .WithForkCluster(builder.Configuration.GetSection(ForkHostOptions.Section)));
builder.Services.AddForkRuntime(builder.Configuration.GetSection(ForkHostOptions.Section));
// The trace recorder starts before init does, so a diagram begins with the run's first message.
if (MermaidTraceOptions.From(builder.Configuration.GetSection(ForkHostOptions.Section)).Options is { Path: not null } mermaid)
{
    builder.Services.AddSingleton(mermaid);
    builder.Services.AddHostedService<MermaidTraceService>();
}

builder.AddProcessTree();
builder.Services.AddHostedService<InitService>();
builder.AddForkTelemetry();

using var host = builder.Build();
var exitCode = host.Services.GetRequiredService<ExitCode>();
await host.RunAsync();
return exitCode.Value;
