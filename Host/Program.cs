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
}).WithForkCluster(builder.Configuration.GetSection(ForkHostOptions.Section)));
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
