using Akka.Actor;

namespace Fork.Bench;

/// <summary>The bare Akka.NET baseline: spawn an actor, watch it, stop it, receive its Terminated.</summary>
internal sealed class AkkaRoundTrip : IRoundTrip
{
    private readonly ActorSystem _system = ActorSystem.Create("akka-bench", "akka.loglevel = WARNING");
    private readonly IActorRef _driver;

    public AkkaRoundTrip() => _driver = _system.ActorOf(Props.Create(() => new Driver()), "driver");

    public string Name => "spawn+stop+Terminated";

    public Task RunAsync(int count)
    {
        var batch = Batch.Of(count);
        _driver.Tell(batch);
        return batch.Done.Task;
    }

    public async ValueTask DisposeAsync() => await _system.Terminate();

    private sealed class Driver : ReceiveActor
    {
        private Batch? _batch;
        private int _left;

        public Driver()
        {
            Receive<Batch>(Start);
            Receive<Terminated>(_ => Next());
        }

        private void Start(Batch batch)
        {
            _batch = batch;
            _left = batch.Count + 1;
            Next();
        }

        private void Next()
        {
            if (--_left == 0)
            {
                _batch!.Done.SetResult();
                return;
            }

            var child = Context.ActorOf(IdleActor.Props);
            Context.Watch(child);
            Context.Stop(child);
        }
    }
}
