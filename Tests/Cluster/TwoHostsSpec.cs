using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Fork.Tests;

/// <summary>
/// README's two hosts, as real processes on 127.0.0.1: the first serves as a fork host on a free port, the second joins it
/// and runs spread, whose workers run on the first; each host's trace shows its half of the protocol; the first ends
/// cleanly on SIGTERM. Every wait is bounded, and both hosts are killed if a step fails.
/// </summary>
public sealed class TwoHostsSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_second_host_forks_spreads_workers_onto_the_first_and_the_first_stops_cleanly()
    {
        await using var first = RunningHost.Start("--Fork:Cluster:Port=0", "--Fork:Program=serve");
        // serve names its node: the address the second host joins.
        var address = (await first.WaitFor(@"\[init\] serve: (akka\.tcp://fork@127\.0\.0\.1:[0-9]+) runs the forks", Bound)).Groups[1].Value;

        var (exit, output, errors) = await HostProcess.Run("--Fork:Cluster:Port=0", $"--Fork:Cluster:SeedNodes:0={address}", "--Fork:Program=spread");

        Assert.True(exit == 0, output + errors);
        Assert.Contains($"[init] spread: 3 workers on {address} (exit 0 0 0) summed 1..3000: 500500 + 1500500 + 2500500 = 4501500, right", output);
        Assert.Contains($"[init -> 2] spread-worker 0: pid 2 on {address} summed 1000 numbers: 500500", output);
        // The parent's half: the fork placed on the first host, its spawner's answer, the child's requests from there.
        Assert.Contains($"fork 1.1 | Libc 1 -> ProcessActor 1 (Running): ForkRequest {{ Child = spread-worker, Image = ForkImage {{ Regions = 5, Args = 1, Cwd = / }}, Target = {address} }}", output);
        Assert.Contains("fork 1.1 | ForkSpawner -> ProcessActor 1 (Running): ProcessSpawned { RequestId = 1, Process = ProcessActor 2 }", output);
        Assert.Contains("fork 1.1 | ProcessActor 2 -> ForkedChild 2 (StartingUp): SessionRequest { Service = Clone", output);
        Assert.Contains("fork 1.1 | ProcessActor 2 -> CloneService 1 (Serving): MemoryContent { SessionId = 1", output);
        Assert.Contains("fork 1.1 | ForkedChild 2 -> ProcessActor 1 (Running): ChildReady { Pid = 2", output);

        // The first host's half: the spawner's request, the child booting there, with its policy's and its clone service's
        // answers from the second.
        await first.WaitFor(@"fork 1\.1 \| ProcessActor 1 -> ForkSpawner \(Serving\): SpawnProcess \{ RequestId = 1, Pid = 2, Ppid = 1, ", Bound);
        await first.WaitFor(@"fork 1\.1 \| ProcessActor 2: Booting$", Bound);
        await first.WaitFor(@"fork 1\.1 \| ForkedChild 2 -> ProcessActor 2 \(Booting\): RomDataspace \{ Name = config", Bound);
        await first.WaitFor(@"fork 1\.1 \| CloneService 1 -> ProcessActor 2 \(Booting\): MemoryChunk \{", Bound);
        await first.WaitFor(@"\| ForkedChild 4 -> ProcessActor 4 \(Zombie\): Reap$", Bound);

        var (firstExit, firstOutput, firstErrors) = await first.Stop(Bound);
        Assert.True(firstExit == 0, firstOutput + firstErrors);
        Assert.Contains("the host is stopping: init (serve) gets SIGTERM", firstOutput);
        Assert.Contains($"[init] serve: SIGTERM: {address} stops serving", firstOutput);
        Assert.Contains("init (serve) exited(0): host exits with 0", firstOutput);
        Assert.DoesNotContain("   at ", output + errors + firstOutput + firstErrors);
    }

    // The seed names a free port nobody listens on: the node never joins. After its join timeout the host runs init
    // anyway, and spread finds no other fork host within its own bound.
    [Fact]
    public async Task A_host_whose_seed_never_answers_warns_after_its_join_timeout_and_spread_gives_up_with_one_sentence()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var (exit, output, errors) = await HostProcess.Run(
            "--Fork:Cluster:Port=0", $"--Fork:Cluster:SeedNodes:0=akka.tcp://fork@127.0.0.1:{port}", "--Fork:Cluster:JoinTimeout=00:00:01",
            "--Fork:Program=spread", "--Fork:Args:0=spread", "--Fork:Args:1=1", "--Fork:Args:2=1", "--Logging:LogLevel:Fork.Trace=Warning");

        Assert.True(exit == 1, output + errors);
        Assert.Matches($@"this node \(akka\.tcp://fork@127\.0\.0\.1:[0-9]+\) is not Up in its cluster after 1 s \(seed nodes: akka\.tcp://fork@127\.0\.0\.1:{port}\): running init anyway", output);
        Assert.Matches(@"\[init\] spread: no fork host other than akka\.tcp://fork@127\.0\.0\.1:[0-9]+ took worker 0 within 1 s \(EHOSTUNREACH: ", output);
        Assert.Contains("init (spread) exited(1): host exits with 1", output);
        Assert.DoesNotContain("   at ", output + errors);
    }
}
