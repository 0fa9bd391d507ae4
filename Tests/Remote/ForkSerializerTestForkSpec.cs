using System.Collections.Concurrent;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// Programs run with <c>serialize-messages</c> on: every message an actor receives goes through its serializer first, as
/// it would between nodes. The trace is on, so a program's reads and writes are messages too (not direct calls). A
/// message of the runtime with no binding falls to <see cref="Unbound"/>, which refuses it: its send fails, and the error
/// fails the spec. Every message is thus ours to serialize or marked INoSerializationVerificationNeeded (local only).
/// </summary>
public sealed class ForkSerializerTestForkSpec(ITestOutputHelper output)
{
    [Theory]
    [InlineData("test-fork")]
    [InlineData("sh", "-c", "seq 3 | cat | wc -l > /tmp/n; cat /tmp/n; sleep 0.01; mkdir /tmp/d && ls /tmp; yes | head -n 2; false || echo $?")]
    public async Task Programs_run_with_every_message_serialized(params string[] argv)
    {
        var config = ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.actor.serialize-messages = on
            akka.actor.serializers.unbound = "Fork.Tests.ForkSerializerTestForkSpec+Unbound, Fork.Tests"
            akka.actor.serialization-bindings { "System.Object" = unbound }
            akka.actor.serialization-identifiers { "Fork.Tests.ForkSerializerTestForkSpec+Unbound, Fork.Tests" = 4712 }
            """).WithFallback(ForkSerializer.Configuration);
        using var system = ActorSystem.Create("serialized", config);
        var errors = new ConcurrentQueue<string>();
        var listener = system.ActorOf(Props.Create(() => new ErrorListener(errors)));
        system.EventStream.Subscribe(listener, typeof(Error));
        await using var runtime = ForkRuntime.Create(system);
        ForkTracing.Use(runtime.System, TestOutputLoggerProvider.Factory(output, Microsoft.Extensions.Logging.LogLevel.Debug));

        var run = runtime.RunAsync(argv[0], new ProcessOptions().WithArgs(argv).WithEnvironment("WIZARD", "gandalf"));
        // A message refused is dropped, and the run may then hang: the errors say why, so they are checked first.
        await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30)));

        Assert.True(errors.IsEmpty, string.Join("\n", errors));
        Assert.Equal(WaitStatus.FromExit(0), await run.WaitAsync(TimeSpan.Zero));
    }

    /// <summary>
    /// Bound to System.Object: a message of the runtime without a binding of its own fails its send, with its type named.
    /// Akka's own messages without a binding (PoisonPill, which Akka.Remote binds) go to Akka's default, JSON.
    /// </summary>
    public sealed class Unbound(ExtendedActorSystem system) : Akka.Serialization.Serializer(system)
    {
        private readonly Akka.Serialization.NewtonSoftJsonSerializer _json = new(system);

        public override int Identifier => 4712;

        public override bool IncludeManifest => true;

        public override byte[] ToBinary(object obj) =>
            obj.GetType().Assembly.GetName().Name?.StartsWith("Fork.", StringComparison.Ordinal) == true
                ? throw new SerializationException($"{obj.GetType().FullName} has no serializer binding")
                : _json.ToBinary(obj);

        public override object FromBinary(byte[] bytes, Type type) => _json.FromBinary(bytes, type);
    }

    private sealed class ErrorListener : ReceiveActor
    {
        public ErrorListener(ConcurrentQueue<string> errors) =>
            Receive<Error>(e => errors.Enqueue($"{e.Message} {e.Cause?.InnerException?.Message ?? e.Cause?.Message}"));
    }
}
