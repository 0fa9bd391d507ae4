using Akka.Actor;

namespace Fork.Bench;

/// <summary>
/// The bare Akka.NET baseline of the pre-fork pool: 4 worker actors, each holding a reference to the same 16 MiB
/// table, and a parent actor that keeps 64 requests in flight, routes them round-robin to the workers and checks each
/// response against the table.
/// </summary>
internal sealed class AkkaPool : IRoundTrip
{
    private readonly ActorSystem _system = ActorSystem.Create("akka-pool", "akka.loglevel = WARNING");
    private readonly IActorRef _parent;

    public AkkaPool(byte[] table)
    {
        var workers = new IActorRef[PoolTable.Workers];
        for (var i = 0; i < workers.Length; i++) workers[i] = _system.ActorOf(Props.Create(() => new Worker(table)), $"worker-{i}");
        _parent = _system.ActorOf(Props.Create(() => new Parent(table, workers)), "parent");
    }

    public string Name => "pool of 4 bare actors";

    public Task RunAsync(int count)
    {
        var batch = Batch.Of(count);
        _parent.Tell(batch);
        return batch.Done.Task;
    }

    public async ValueTask DisposeAsync() => await _system.Terminate();

    private sealed record Request(long Number, int Offset);

    private sealed record Response(long Number, long Value);

    private sealed class Worker : ReceiveActor
    {
        public Worker(byte[] table) =>
            Receive<Request>(r => Sender.Tell(new Response(r.Number, PoolTable.Value(table, r.Offset))));
    }

    private sealed class Parent : ReceiveActor
    {
        private readonly byte[] _table;
        private readonly IActorRef[] _workers;
        private Batch? _batch;
        private long _next;
        private int _sent;
        private int _received;
        private string? _failure;

        public Parent(byte[] table, IActorRef[] workers)
        {
            _table = table;
            _workers = workers;
            Receive<Batch>(Start);
            Receive<Response>(Check);
        }

        private void Start(Batch batch)
        {
            (_batch, _sent, _received, _failure) = (batch, 0, 0, null);
            while (_sent < Math.Min(PoolTable.Window, batch.Count)) Send();
        }

        private void Check(Response response)
        {
            var expected = PoolTable.Value(_table, PoolTable.Offset(response.Number));
            if (response.Value != expected) _failure ??= $"response to request {response.Number} gave {response.Value:x16}, expected {expected:x16}";
            if (++_received == _batch!.Count)
            {
                if (_failure is null) _batch.Done.SetResult();
                else _batch.Done.SetException(new InvalidOperationException(_failure));
            }
            else if (_sent < _batch.Count)
            {
                Send();
            }
        }

        private void Send()
        {
            var number = _next++;
            _workers[number % _workers.Length].Tell(new Request(number, PoolTable.Offset(number)));
            _sent++;
        }
    }
}
