using Akka.Actor;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fork.Actors;

/// <summary>
/// Where an actor system's runtime actors write their trace and logs: an <see cref="ILoggerFactory"/>
/// held as an actor-system extension, so every actor of the system finds the same one.
/// </summary>
public sealed class ForkTracing : IExtension
{
    public const string TraceCategory = "Fork.Trace";
    public const string LogCategory = "Fork.Log";

    private volatile ILoggerFactory _factory = NullLoggerFactory.Instance;

    public ILoggerFactory LoggerFactory => _factory;

    public static ForkTracing For(ActorSystem system) => system.WithExtension<ForkTracing, ForkTracingProvider>();

    /// <summary>Send the trace of <paramref name="system"/> to <paramref name="factory"/>; call before the runtime starts.</summary>
    public static void Use(ActorSystem system, ILoggerFactory factory) => For(system)._factory = factory;
}

internal sealed class ForkTracingProvider : ExtensionIdProvider<ForkTracing>
{
    public override ForkTracing CreateExtension(ExtendedActorSystem system) => new();
}
