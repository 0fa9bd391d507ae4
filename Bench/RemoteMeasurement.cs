using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Fork.Actors;
using Fork.Messages;

namespace Fork.Bench;

/// <summary>
/// Forks onto another node: two cluster nodes in this process (fork hosts on 127.0.0.1, any free port), A and B.
/// Compares fork+exit+wait4 of a child placed on B with the bare remote round trip of Akka.NET (A asks a spawner on B
/// for a child, watches it, stops it, gets Terminated), then times the clone of a touched heap onto B.
/// </summary>
internal sealed class RemoteMeasurement : IMeasurement
{
    public const string ExitProgram = "bench-remote-exit";
    private const int Rounds = 5;
    private const double RoundSeconds = 1.0;
    private const int WarmUpTrips = 1_000;
    private const int CloneRounds = 3;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CloneBudget = TimeSpan.FromSeconds(60);

    public string Name => "remote";

    /// <summary>The child placed on B: exits 0 at once. Static and registered on both nodes by the same name.</summary>
    internal static Task<int> ExitAtOnce(Libc libc) => Task.FromResult(0);

    public async Task RunAsync(Summary summary)
    {
        var a = Node();
        var b = Node();
        try
        {
            await using var parent = ForkRuntime.Create(a);
            await using var host = ForkRuntime.Create(b);
            parent.Programs.Register(ExitProgram, ExitAtOnce);
            host.Programs.Register(ExitProgram, ExitAtOnce);
            var addressOfB = Cluster.Get(b).SelfAddress;
            await JoinAsync(a, b, parent);
            Console.WriteLine($"nodes: A = {Cluster.Get(a).SelfAddress}, B = {addressOfB}; fork hosts seen from A: {parent.ForkHosts().Count}");

            double[] medians;
            await using (var akka = new RemoteSpawnTrip(a, b))
            await using (var fork = new ForkRoundTrip(parent, ExitAtOnce, ForkPlacement.OnNode(addressOfB), "remote fork+exit+wait4"))
            {
                IRoundTrip[] trips = [fork, akka];
                var sizes = new int[trips.Length];
                for (var t = 0; t < trips.Length; t++)
                    sizes[t] = Measure.RoundSize(await Measure.WarmUpAsync(trips[t], WarmUpTrips), RoundSeconds, 20, 100_000);
                Console.WriteLine($"warm-up: at least {WarmUpTrips} round trips and {Measure.WarmUpTime.TotalSeconds} s of each");
                medians = await Measure.MedianRoundsAsync(trips, sizes, Rounds);
                for (var t = 0; t < trips.Length; t++)
                    Console.WriteLine($"{trips[t].Name,-34} {Measure.F(medians[t]),9} µs per round trip (median of {Rounds} rounds of {sizes[t]})");
                Console.WriteLine($"ratio {fork.Name} / {akka.Name} = {Measure.F(medians[0] / medians[1])}");
                foreach (var failure in fork.Failures.Take(3)) Console.WriteLine($"warning: {failure}");
                if (!fork.Failures.IsEmpty) Console.WriteLine($"warning: {fork.Failures.Count} remote children did not exit 0");
            }

            summary.Add(new Figure("remote fork+exit+wait4 (vs bare remote spawn round trip)", medians[0], medians[1], "µs",
                "<= 2x bare remote", medians[0] <= 2 * medians[1]));

            var (bytes, mibPerSecond) = await CloneAsync(parent, addressOfB);
            var label = TouchedHeap.Label(bytes);
            summary.Add(new Figure($"remote clone of {label}, MiB/s{(bytes == 64L << 20 ? "" : " (64 MiB too slow)")}", mibPerSecond, null, "MiB/s",
                ">= 100 MiB/s", mibPerSecond is { } m ? m >= 100 : null));
            summary.Add(LargestPayload(a));
        }
        finally
        {
            await Task.WhenAll(new[] { a, b }.Select(s => s.Terminate().WaitAsync(Bound)));
        }
    }

    /// <summary>
    /// MiB/s of the fork of a parent with a touched heap of 64 MiB onto B (ForkAsync call to return), the median of a
    /// few rounds after a warm-up; 16 MiB when 64 MiB would not fit in <see cref="CloneBudget"/>.
    /// </summary>
    private static async Task<(long Bytes, double? MibPerSecond)> CloneAsync(ForkRuntime parent, Address addressOfB)
    {
        var start = Stopwatch.GetTimestamp();
        var bytes = 64L << 20;
        var seconds = await ClonesAsync(parent, addressOfB, bytes, CloneRounds, CloneBudget);
        if (seconds.Count < CloneRounds)
        {
            Console.WriteLine($"{TouchedHeap.Label(bytes)}: only {seconds.Count} of {CloneRounds} clones within {CloneBudget.TotalSeconds} s ({string.Join(", ", seconds.Select(s => Measure.F(s)))} s); falling back to 16 MiB");
            bytes = 16L << 20;
            var left = CloneBudget - Stopwatch.GetElapsedTime(start);
            seconds = await ClonesAsync(parent, addressOfB, bytes, CloneRounds, left > TimeSpan.FromSeconds(10) ? left : TimeSpan.FromSeconds(10));
        }

        if (seconds.Count == 0)
        {
            Console.WriteLine($"{TouchedHeap.Label(bytes)}: no clone measured");
            return (bytes, null);
        }

        var median = Measure.Median(seconds);
        var mib = bytes / (double)(1 << 20);
        Console.WriteLine($"remote clone of {TouchedHeap.Label(bytes)}: {Measure.F(median * 1000)} ms per fork, {Measure.F(mib / median)} MiB/s (median of {seconds.Count}: {string.Join(", ", seconds.Select(s => Measure.F(s * 1000)))} ms)");
        return (bytes, mib / median);
    }

    /// <summary>
    /// Runs an init on A that touches a heap of <paramref name="bytes"/>, forks onto B until a warm-up of 3 s (at least
    /// one fork) is over, then up to <paramref name="rounds"/> timed forks while <paramref name="budget"/> lasts.
    /// </summary>
    private static async Task<List<double>> ClonesAsync(ForkRuntime parent, Address addressOfB, long bytes, int rounds, TimeSpan budget)
    {
        var seconds = new List<double>();
        var warmUps = 0;
        var status = await parent.RunAsync(async libc =>
        {
            TouchedHeap.Fill(libc.Memory, bytes);
            var start = Stopwatch.GetTimestamp();
            var warm = false;
            while (seconds.Count < rounds && Stopwatch.GetElapsedTime(start) < budget)
            {
                var forkStart = Stopwatch.GetTimestamp();
                var pid = await libc.ForkAsync(ExitAtOnce, ForkPlacement.OnNode(addressOfB));
                var took = Stopwatch.GetElapsedTime(forkStart).TotalSeconds;
                var reaped = await libc.Wait4Async(pid);
                if (reaped.Pid != pid || reaped.Status != WaitStatus.FromExit(0)) return 3;
                if (warm) seconds.Add(took);
                else warmUps++;
                warm = Stopwatch.GetElapsedTime(start) >= Measure.WarmUpTime;
            }

            return 0;
        }, new ProcessOptions()).WaitAsync(CloneBudget + Bound);
        Console.WriteLine($"{TouchedHeap.Label(bytes)}: {warmUps} warm-up clone(s); init ended {status}");
        return seconds;
    }

    /// <summary>The largest message that crossed between the nodes in this run, against the transport's maximum frame size.</summary>
    private static Figure LargestPayload(ActorSystem node)
    {
        var frame = node.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size", null) ?? 128_000;
        foreach (var (type, size) in PayloadSizes.Largest.OrderByDescending(p => p.Value).Take(4))
            Console.WriteLine($"largest payload: {size,9:N0} bytes {type}");
        var largest = PayloadSizes.Largest.IsEmpty ? (KeyValuePair<string, long>?)null : PayloadSizes.Largest.MaxBy(p => p.Value);
        var name = largest is { } l ? $"largest remote message ({l.Key.Split('.', ',')[^1].Trim()}), bytes" : "largest remote message, bytes";
        return new Figure(name, largest?.Value, frame, "B", $"< frame ({frame:N0} B)", largest is { } p ? p.Value < frame : null);
    }

    private static ActorSystem Node() => ActorSystem.Create("fork", ConfigurationFactory.ParseString($$"""
        {{PayloadSizes.Configuration}}
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.cluster {
          roles = ["{{ForkCluster.HostRole}}"]
          failure-detector { heartbeat-interval = 250ms, acceptable-heartbeat-pause = 2s }
          split-brain-resolver.stable-after = 2s
          down-removal-margin = 1s
          gossip-interval = 200ms
          leader-actions-interval = 200ms
        }
        akka.coordinated-shutdown.exit-clr = off
        akka.coordinated-shutdown.phases.cluster-exiting.timeout = 2s
        """).WithFallback(ForkSerializer.Configuration));

    /// <summary>Joins B to A and waits, bounded, until both see two members Up and A's runtime sees two fork hosts.</summary>
    private static async Task JoinAsync(ActorSystem a, ActorSystem b, ForkRuntime parent)
    {
        Cluster.Get(a).Join(Cluster.Get(a).SelfAddress);
        Cluster.Get(b).Join(Cluster.Get(a).SelfAddress);
        var start = Stopwatch.GetTimestamp();
        while (!(new[] { a, b }.All(s => Cluster.Get(s).State.Members.Count(m => m.Status == MemberStatus.Up) == 2) && parent.ForkHosts().Count == 2))
        {
            if (Stopwatch.GetElapsedTime(start) > Bound) throw new TimeoutException($"the two nodes did not join within {Bound.TotalSeconds} s");
            await Task.Delay(50);
        }
    }
}

/// <summary>
/// The bare Akka.NET remote baseline: a driver on A asks a spawner on B for a child (the child's Identify answer
/// brings its ref back), watches it, sends it PoisonPill and receives its Terminated.
/// </summary>
internal sealed class RemoteSpawnTrip : IRoundTrip
{
    private readonly IActorRef _spawner;
    private readonly IActorRef _driver;

    public RemoteSpawnTrip(ActorSystem a, ActorSystem b)
    {
        _spawner = b.ActorOf(Props.Create(() => new Spawner()), "bench-spawner");
        var remote = a.ActorSelection(new RootActorPath(Cluster.Get(b).SelfAddress) / "user" / "bench-spawner")
            .ResolveOne(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        _driver = a.ActorOf(Props.Create(() => new Driver(remote)), "bench-remote-driver");
    }

    public string Name => "bare remote spawn+stop+Terminated";

    public Task RunAsync(int count)
    {
        var batch = Batch.Of(count);
        _driver.Tell(batch);
        return batch.Done.Task;
    }

    public async ValueTask DisposeAsync()
    {
        await _driver.GracefulStop(TimeSpan.FromSeconds(10));
        await _spawner.GracefulStop(TimeSpan.FromSeconds(10));
    }

    /// <summary>On B: spawns an idle child per request and has it identify itself to the requester.</summary>
    private sealed class Spawner : ReceiveActor
    {
        public Spawner() => Receive<string>(_ => Context.ActorOf(IdleActor.Props).Forward(new Identify(null)));
    }

    private sealed class Driver : ReceiveActor
    {
        private readonly IActorRef _spawner;
        private Batch? _batch;
        private int _left;

        public Driver(IActorRef spawner)
        {
            _spawner = spawner;
            Receive<Batch>(Start);
            Receive<ActorIdentity>(identity =>
            {
                var child = identity.Subject ?? throw new InvalidOperationException("the spawned child did not identify itself");
                Context.Watch(child);
                child.Tell(PoisonPill.Instance);
            });
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

            _spawner.Tell("spawn");
        }
    }
}
