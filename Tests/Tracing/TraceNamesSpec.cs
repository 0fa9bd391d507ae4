using System.Text.RegularExpressions;
using Akka.Actor;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// Actors the trace has not met (on another node, or not announced yet) are named by the role their path names, so each
/// node's half of a fork across nodes reads with the same names as a local fork.
/// </summary>
public sealed class TraceNamesSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    [Theory]
    [InlineData("/user/fork-spawner/pid2-1", "ProcessActor 2")]
    [InlineData("/user/pid12-3", "ProcessActor 12")]
    [InlineData("/user/namespace-1/init", "ProcessActor 1")]
    [InlineData("/user/namespace-1/init/child-2-1", "ForkedChild 2")]
    [InlineData("/user/namespace-1/init/adopted-5-4", "ForkedChild 5")]
    [InlineData("/user/namespace-1/init/clone", "CloneService 1")]
    [InlineData("/user/pid2-1/rom-binary", "LocalRomService 2")]
    [InlineData("/user/pid2-1/rom-ld.lib.so", "LocalRomService 2")]
    [InlineData("/user/pid3-1/parent-LOG", "ParentService 3")]
    [InlineData("/user/fork-spawner/pid4-2/libc", "Libc 4")]
    [InlineData("/user/namespace-7", "Core")]
    [InlineData("/user/namespace-7/fs", "fs")]
    [InlineData("/user/namespace-7/fs/pipe-3", "pipe 3")]
    [InlineData("/user/namespace-7/fs/file-12", "file 12")]
    [InlineData("/user/fork-spawner", "ForkSpawner")]
    [InlineData("/temp/libc2-$a", "Libc 2")]
    public void A_path_of_the_runtime_names_its_actors_role_and_pid(string path, string name) =>
        Assert.Equal(name, TraceNames.Of(ActorPath.Parse("akka.tcp://fork@127.0.0.1:4053" + path)));

    [Theory]
    [InlineData("/temp/$a")]
    [InlineData("/temp/libc-$a")]
    [InlineData("/user")]
    [InlineData("/user/clone")]
    [InlineData("/user/pidx-1")]
    [InlineData("/user/child-2-x")]
    [InlineData("/user/other/namespace-1")]
    [InlineData("/system/cluster")]
    public void A_path_that_names_no_actor_of_the_runtime_has_no_role(string path) =>
        Assert.Null(TraceNames.Of(ActorPath.Parse("akka.tcp://fork@127.0.0.1:4053" + path)));

    // Each node records what its own actors receive: the parent's node the child's requests, the host's node the answers
    // its process gets from across the wire. Neither shows an actor by its bare actor name.
    [Fact]
    public async Task Both_halves_of_a_fork_across_nodes_name_every_actor_by_role()
    {
        await using var nodes = await ClusterNodes.Two(this);
        using var parentSide = ForkTracing.For(nodes.First).StartRecording();
        using var hostSide = ForkTracing.For(nodes.Second).StartRecording();

        var status = await nodes.Parent.RunAsync("spread", new ProcessOptions().WithArgs("spread", "1")).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(WaitStatus.FromExit(0), status);
        // A message sent outside any actor has no sender: "nobody" in a host; in specs, a TestKit's test actor (any spec's:
        // the TestKit sets it as the implicit sender of the threads it runs on).
        var role = new Regex(@"^((ProcessActor|ForkedChild|CloneService|LocalRomService|ParentService|Libc|pipe|file) [0-9]+|Core|fs|ForkSpawner|nobody|testActor[0-9]+)$");
        foreach (var (side, records) in new[] { ("parent's node", parentSide.Records), ("host's node", hostSide.Records) })
        {
            var names = records.SelectMany(r => new[] { r.Sender, r.Receiver }).Distinct().ToList();
            Assert.True(names.All(role.IsMatch), $"on the {side}: {string.Join("; ", records.Where(r => !role.IsMatch(r.Sender) || !role.IsMatch(r.Receiver)))}");
        }

        Assert.Contains(hostSide.Records, r => r is { Sender: "ForkedChild 2", Receiver: "ProcessActor 2", MessageType: nameof(RomDataspace) });
        Assert.Contains(hostSide.Records, r => r is { Sender: "CloneService 1", Receiver: "ProcessActor 2", MessageType: nameof(MemoryChunk), Kind: TraceKind.Reply });
        Assert.Contains(parentSide.Records, r => r is { Sender: "ProcessActor 2", Receiver: "ForkedChild 2", MessageType: nameof(SessionRequest) });
        Assert.Contains(parentSide.Records, r => r is { Sender: "ForkSpawner", Receiver: "ProcessActor 1", MessageType: nameof(ProcessSpawned) }
                                                 && r.Text.Contains("Process = ProcessActor 2", StringComparison.Ordinal));
    }
}
