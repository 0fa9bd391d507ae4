using Akka.Actor;

namespace Fork.Bench;

/// <summary>
/// The bare Akka.NET baseline of a fan-out: one parent spawns and watches N idle actors and sends each an Identify
/// (answered once the actor is created); ending = the parent stops them all and counts their Terminated.
/// </summary>
internal sealed class AkkaFanOut : IFanOut
{
    private readonly ActorSystem _system = ActorSystem.Create("akka-fan-out", "akka.loglevel = WARNING");
    private readonly IActorRef _parent;
    private FanOutRun? _current;

    public AkkaFanOut() => _parent = _system.ActorOf(Props.Create(() => new Parent()), "parent");

    public string Name => "spawn+watch N idle actors";

    public Task StartAsync(int count)
    {
        _current = FanOutRun.Of(count);
        _parent.Tell(_current);
        return _current.Live.Task;
    }

    public Task<FanOutEnd> EndAsync()
    {
        var run = _current ?? throw new InvalidOperationException("no fan-out was started");
        _parent.Tell(run.End);
        return run.Ended.Task;
    }

    public async ValueTask DisposeAsync() => await _system.Terminate();

    private sealed class Parent : ReceiveActor
    {
        private FanOutRun? _run;
        private int _left;

        public Parent()
        {
            Receive<FanOutRun>(Start);
            Receive<ActorIdentity>(_ => Count(() => _run!.Live.SetResult()));
            Receive<TaskCompletionSource>(_ => StopAll());
            Receive<Terminated>(_ => Count(() => _run!.Ended.SetResult(new FanOutEnd(_run.Count, 0))));
        }

        private void Start(FanOutRun run)
        {
            _run = run;
            _left = run.Count;
            for (var i = 0; i < run.Count; i++)
            {
                var child = Context.ActorOf(IdleActor.Props);
                Context.Watch(child);
                child.Tell(new Identify(null));
            }
        }

        private void StopAll()
        {
            _left = _run!.Count;
            foreach (var child in Context.GetChildren()) Context.Stop(child);
        }

        private void Count(Action whenAll)
        {
            if (--_left == 0) whenAll();
        }
    }
}
