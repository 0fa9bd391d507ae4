using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Hosting;
using Fork.Actors;
using Fork.Host;
using Fork.Messages;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// The cluster's groundwork: the <c>Fork:Cluster</c> options and their problems, the host's wiring of remoting and the
/// cluster, and the fork hosts a runtime sees as nodes join, and as one is downed. Every node is on 127.0.0.1, port 0.
/// </summary>
public sealed class ClusterWiringSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("Port", "70000", "Fork:Cluster:Port")]
    [InlineData("Port", "-1", "Fork:Cluster:Port")]
    [InlineData("SeedNodes:0", "not an address", "Fork:Cluster:SeedNodes:0")]
    [InlineData("SeedNodes:0", "akka.tcp://other@127.0.0.1:4053", "Fork:Cluster:SeedNodes:0")]
    [InlineData("SeedNodes:0", "akka://fork@127.0.0.1:4053", "Fork:Cluster:SeedNodes:0")]
    [InlineData("SeedNodes:0", "akka.tcp://fork", "Fork:Cluster:SeedNodes:0")]
    [InlineData("Roles:0", "", "Fork:Cluster:Roles:0")]
    [InlineData("Hostname", " ", "Fork:Cluster:Hostname")]
    [InlineData("PublicHostname", "", "Fork:Cluster:PublicHostname")]
    [InlineData("StableAfter", "00:00:00", "Fork:Cluster:StableAfter")]
    [InlineData("AcceptableHeartbeatPause", "00:00:00.500", "Fork:Cluster:AcceptableHeartbeatPause")]
    [InlineData("JoinTimeout", "-00:00:05", "Fork:Cluster:JoinTimeout")]
    public void A_bad_cluster_setting_is_one_sentence_naming_its_key(string key, string value, string named)
    {
        var problems = ForkRuntimeHostingExtensions.Problems(Section(($"Fork:Cluster:{key}", value)));
        var problem = Assert.Single(problems);
        Assert.StartsWith(named, problem, StringComparison.Ordinal);
        Assert.EndsWith(".", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Good_cluster_settings_and_no_cluster_section_have_no_problems()
    {
        Assert.Empty(ForkRuntimeHostingExtensions.Problems(Section()));
        Assert.Null(ForkClusterOptions.From(Section()));
        var section = Section(
            ("Fork:Cluster:Port", "4053"),
            ("Fork:Cluster:SeedNodes:0", "akka.tcp://fork@127.0.0.1:4053"),
            ("Fork:Cluster:SeedNodes:1", "akka.tcp://fork@localhost:4054"),
            ("Fork:Cluster:HeartbeatInterval", "00:00:00.250"),
            ("Fork:Cluster:AcceptableHeartbeatPause", "00:00:01"));
        Assert.Empty(ForkRuntimeHostingExtensions.Problems(section));
        var options = ForkClusterOptions.From(section)!;
        Assert.Equal(4053, options.Port);
        Assert.Equal("127.0.0.1", options.Hostname);
        Assert.Equal("127.0.0.1", options.PublicHostname);
        Assert.Equal(2, options.SeedNodes.Count);
        Assert.Equal(["fork-host"], options.EffectiveRoles);
        Assert.Equal(TimeSpan.FromSeconds(30), options.JoinTimeout);
        Assert.Equal(["client"], ForkClusterOptions.From(Section(("Fork:Cluster:Roles:0", "client")))!.EffectiveRoles);
    }

    [Fact]
    public async Task A_runtime_without_a_cluster_knows_no_fork_host()
    {
        await using var runtime = ForkRuntime.Create();
        Assert.Empty(runtime.ForkHosts());
    }

    // The host's wiring: a cluster section alone (port 0, no seed nodes) makes a node that joins itself, with the
    // fork-host role, the split brain resolver's keep-majority strategy and the failure detection it was given.
    [Fact]
    public async Task The_hosts_wiring_makes_a_one_node_cluster_with_keep_majority_and_the_configured_failure_detection()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Fork:Cluster:Port"] = "0",
            ["Fork:Cluster:HeartbeatInterval"] = "00:00:00.250",
            ["Fork:Cluster:AcceptableHeartbeatPause"] = "00:00:02",
            ["Fork:Cluster:StableAfter"] = "00:00:03",
        });
        builder.Services.AddAkka("fork", akka => akka.WithForkCluster(builder.Configuration.GetSection(ForkHostOptions.Section)));
        using var host = builder.Build();
        using var bound = new CancellationTokenSource(Bound);
        await host.StartAsync(bound.Token);
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var config = system.Settings.Config;
            Assert.StartsWith("Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster", config.GetString("akka.cluster.downing-provider-class"), StringComparison.Ordinal);
            Assert.Equal("keep-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
            Assert.Equal(TimeSpan.FromSeconds(3), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
            Assert.Equal(TimeSpan.FromMilliseconds(250), config.GetTimeSpan("akka.cluster.failure-detector.heartbeat-interval"));
            Assert.Equal(TimeSpan.FromSeconds(2), config.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
            Assert.Equal("127.0.0.1", config.GetString("akka.remote.dot-netty.tcp.hostname"));
            // What crosses nodes goes through the runtime's serializer.
            Assert.IsType<ForkSerializer>(system.Serialization.FindSerializerFor(new Fork.Messages.ProcessStarted(2, ActorRefs.Nobody)));

            await using var runtime = ForkRuntime.Create(system);
            var self = Cluster.Get(system).SelfAddress;
            Assert.Equal("akka.tcp", self.Protocol);
            Assert.NotEqual(0, self.Port);
            AwaitAssert(() => Assert.Equal([self], runtime.ForkHosts()), Bound);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    // Three nodes in this process: two fork hosts and a client. Both hosts see both hosts, never the client; once the
    // second host is downed and ended, the first sees itself alone.
    [Fact]
    public async Task Fork_hosts_are_the_up_members_with_the_fork_host_role_and_a_downed_node_leaves_them()
    {
        var first = ClusterNodes.Node("fork-host");
        var second = ClusterNodes.Node("fork-host");
        var client = ClusterNodes.Node("client");
        try
        {
            await using var firstRuntime = ForkRuntime.Create(first);
            await using var secondRuntime = ForkRuntime.Create(second);
            await using var clientRuntime = ForkRuntime.Create(client);
            var firstAddress = Cluster.Get(first).SelfAddress;
            var secondAddress = Cluster.Get(second).SelfAddress;
            var clientAddress = Cluster.Get(client).SelfAddress;

            Cluster.Get(first).Join(firstAddress);
            Cluster.Get(second).Join(firstAddress);
            Cluster.Get(client).Join(firstAddress);
            Within(Bound, () =>
            {
                AwaitAssert(() =>
                {
                    foreach (var node in new[] { first, second, client })
                    {
                        var members = Cluster.Get(node).State.Members;
                        Assert.Equal(3, members.Count(m => m.Status == MemberStatus.Up));
                    }
                });
                AwaitAssert(() =>
                {
                    foreach (var runtime in new[] { firstRuntime, secondRuntime, clientRuntime })
                    {
                        Assert.Equal(2, runtime.ForkHosts().Count);
                        Assert.Contains(firstAddress, runtime.ForkHosts());
                        Assert.Contains(secondAddress, runtime.ForkHosts());
                        Assert.DoesNotContain(clientAddress, runtime.ForkHosts());
                    }
                });
            });

            Cluster.Get(first).Down(secondAddress);
            await second.Terminate().WaitAsync(Bound);
            Within(Bound, () =>
            {
                AwaitAssert(() => Assert.Equal([firstAddress], firstRuntime.ForkHosts()));
                AwaitAssert(() => Assert.Equal([firstAddress], clientRuntime.ForkHosts()));
                // The downed node is removed from the membership, not only no longer Up.
                AwaitAssert(() => Assert.DoesNotContain(Cluster.Get(first).State.Members, m => m.Address.Equals(secondAddress)));
            });
        }
        finally
        {
            await Task.WhenAll(new[] { first, second, client }.Select(s => s.Terminate().WaitAsync(Bound)));
        }
    }

    [Fact]
    public async Task Placement_in_a_cluster_names_the_fork_hosts_and_refuses_what_it_cannot_do()
    {
        var first = ClusterNodes.Node("fork-host");
        var second = ClusterNodes.Node("fork-host");
        try
        {
            await using var runtime = ForkRuntime.Create(first);
            await using var secondRuntime = ForkRuntime.Create(second);
            var secondAddress = Cluster.Get(second).SelfAddress;
            Cluster.Get(first).Join(Cluster.Get(first).SelfAddress);
            Cluster.Get(second).Join(Cluster.Get(first).SelfAddress);
            AwaitAssert(() => Assert.Equal(2, runtime.ForkHosts().Count), Bound);

            var errors = new List<Errno>();
            var status = await runtime.RunAsync(async libc =>
            {
                async Task Try(ForkPlacement placement, ProcessMain child)
                {
                    try
                    {
                        await libc.ForkAsync(child, placement);
                        errors.Add(Errno.None);
                    }
                    catch (PosixException e)
                    {
                        errors.Add(e.Errno);
                    }
                }

                // A static method needs no registration: the other node finds it by type and name, and it runs there.
                await Try(ForkPlacement.OnNode(secondAddress), Exit3);
                var remote = await libc.Wait4Async(-1);
                if (remote.Status != WaitStatus.FromExit(3)) return 1;
                await Try(ForkPlacement.OnNode(new Address("akka.tcp", "fork", "127.0.0.1", 1)), Exit3);
                await Try(ForkPlacement.OnNode(secondAddress), _ => Task.FromResult(libc.Pid));
                // Nothing was forked by the refused ones: no child to wait for.
                return (await libc.Wait4Async(-1, WaitOptions.WNOHANG)).Error == Errno.ECHILD ? 0 : 2;
            }).WaitAsync(Bound);

            Assert.Equal(WaitStatus.FromExit(0), status);
            Assert.Equal([Errno.None, Errno.EHOSTUNREACH, Errno.EINVAL], errors);
        }
        finally
        {
            await Task.WhenAll(new[] { first, second }.Select(s => s.Terminate().WaitAsync(Bound)));
        }
    }

    private static Task<int> Exit3(Libc libc) => Task.FromResult(3);

    [Fact]
    public async Task A_terminated_cluster_node_knows_no_fork_host()
    {
        var node = ClusterNodes.Node("fork-host");
        await using var runtime = ForkRuntime.Create(node);
        Cluster.Get(node).Join(Cluster.Get(node).SelfAddress);
        AwaitAssert(() => Assert.Single(runtime.ForkHosts()), Bound);
        await node.Terminate().WaitAsync(Bound);
        Assert.Empty(runtime.ForkHosts());
    }


    private static IConfiguration Section(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build()
            .GetSection(ForkHostOptions.Section);
}
