using BenchmarkDotNet.Running;
using Fork.Bench;

if (args.Contains("--quick")) return await QuickMode.RunAsync(args);

var summaries = BenchmarkSwitcher.FromAssembly(typeof(RoundTripBenchmarks).Assembly).Run(args);
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
