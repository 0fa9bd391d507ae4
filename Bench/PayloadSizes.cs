using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Event;

namespace Fork.Bench;

/// <summary>
/// The largest payload each message type had on its way to another node, from Akka.Remote's own payload metric
/// (<c>akka.remote.log-frame-size-exceeding</c>: it logs a type's size the first time and whenever it grows by 10 %).
/// Installed as the bench nodes' only logger, so it also keeps Akka's other log lines out of the bench's output, and
/// prints warnings and errors.
/// </summary>
internal sealed partial class PayloadSizes : ReceiveActor
{
    /// <summary>The largest payload seen per message type, over every node of this process.</summary>
    public static ConcurrentDictionary<string, long> Largest { get; } = new(StringComparer.Ordinal);

    /// <summary>The configuration that turns the metric on and routes the log here (above 1 000 bytes).</summary>
    public const string Configuration = """
        akka.loglevel = INFO
        akka.stdout-loglevel = OFF
        akka.loggers = ["Fork.Bench.PayloadSizes, Fork.Bench"]
        akka.remote.log-frame-size-exceeding = 1000b
        """;

    public PayloadSizes()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<Info>(info =>
        {
            var match = Payload().Match(info.Message?.ToString() ?? "");
            if (!match.Success) return;
            var size = long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
            Largest.AddOrUpdate(match.Groups[1].Value, size, (_, old) => Math.Max(old, size));
        });
        Receive<Warning>(warning => Console.WriteLine($"akka warning: {warning.Message}"));
        Receive<Error>(error => Console.WriteLine($"akka error: {error.Message} {error.Cause?.Message}"));
        ReceiveAny(_ => { });
    }

    [GeneratedRegex(@"ayload size for \[(.+?)\] is \[(\d+)\] bytes")]
    private static partial Regex Payload();
}
