using System.Collections.Concurrent;
using Fork.Actors;
using Fork.Messages;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Fork.Tests;

/// <summary>The trace as records: who sent what to whom by role and pid, payloads readable, and one id per fork.</summary>
public sealed class TraceRecordSpec
{
    [Fact]
    public async Task The_first_fork_of_test_fork_is_named_by_role_and_pid_and_carries_one_fork_id()
    {
        var records = await RecordTestFork();
        var fork = records.Where(r => r.Fork == "1.1").ToList();

        var participants = fork.SelectMany(r => new[] { r.Sender, r.Receiver }).ToHashSet();
        foreach (var role in new[] { "Libc 1", "ProcessActor 1", "ForkedChild 2", "ProcessActor 2", "CloneService 1", "LocalRomService 1", "ParentService 1", "Core", "fs" })
            Assert.Contains(role, participants);
        // The runtime knows who sent each message of a fork: no actor names, no "nobody".
        Assert.All(participants, name => Assert.Matches(@"^(Libc|ProcessActor|ForkedChild|CloneService|LocalRomService|ParentService) \d+$|^Core$|^fs$", name));

        var request = Assert.Single(fork, r => r.MessageType == nameof(ForkRequest));
        Assert.Equal(("Libc 1", "ProcessActor 1", TraceKind.Message), (request.Sender, request.Receiver, request.Kind));
        var ready = Assert.Single(fork, r => r.MessageType == nameof(ChildReady));
        Assert.Equal(("ForkedChild 2", "ProcessActor 1"), (ready.Sender, ready.Receiver));
        // The fork's return in the parent: the answer to the request, to the program's calls.
        var returned = Assert.Single(fork, r => r is { MessageType: nameof(LibcOk), Receiver: "Libc 1" });
        Assert.Equal(TraceKind.Reply, returned.Kind);
        Assert.Contains("Value = 2", returned.Text);
        Assert.True(request.Sequence < ready.Sequence && ready.Sequence < returned.Sequence);
        Assert.Contains(fork, r => r is { Kind: TraceKind.State, Receiver: "ForkedChild 2", Text: "StartingUp → Running" });
        Assert.Contains(fork, r => r is { Kind: TraceKind.Reply, MessageType: nameof(CloneChunk), Sender: "CloneService 1", Receiver: "ProcessActor 2" });

        // The grandchild's fork is the first fork of pid 2, and none of its messages is counted in pid 1's.
        Assert.Contains(records, r => r is { Fork: "2.1", MessageType: nameof(ForkRequest), Sender: "Libc 2" });
        Assert.DoesNotContain(fork, r => r.Sender.EndsWith(" 3") || r.Receiver.EndsWith(" 3"));
    }

    [Fact]
    public async Task Every_record_is_one_line_with_byte_payloads_as_length_and_preview_and_collections_by_count()
    {
        var records = await RecordTestFork();

        Assert.All(records, r => Assert.DoesNotContain('\n', r.Text));
        Assert.DoesNotContain(records, r => r.Text.Contains("System.") || r.Text.Contains("akka://"));
        Assert.Contains(records, r => r.Text == "FsWrite { Description = 4, Data = 10 bytes \"0123456789\" }");
        Assert.Contains(records, r => r.MessageType == nameof(FsDescribe) && r.Text.Contains("Descriptions = [4 items]"));
        // A read's answer shows what came: the one byte the child reads at offset 5.
        Assert.Contains(records, r => r is { MessageType: nameof(DataRead), Receiver: "Libc 2" } && r.Text.Contains("1 byte \"5\""));
        // Sequence numbers are unique: the order in which the messages were received.
        Assert.Equal(records.Count, records.Select(r => r.Sequence).Distinct().Count());
    }

    [Fact]
    public void A_message_renders_its_payloads_escaped_and_shortened()
    {
        var data = "line one\n\"quoted\"\t\u0001 and more than sixteen bytes"u8.ToArray();
        var text = TraceText.Format(new FsWrite(7, data), _ => "x");

        Assert.Equal($"FsWrite {{ Description = 7, Data = {data.Length} bytes \"line one\\n\\\"quoted\"… }}", text);
        Assert.Equal("LogLine { Text = \"a\\nb\" }", TraceText.Format(new LogLine("a\nb"), _ => "x"));
        Assert.Equal(101, TraceText.Escape(new string('a', 500), 100).Length);
    }

    [Fact]
    public async Task The_log_carries_the_fork_id_as_a_structured_property()
    {
        var logged = new ConcurrentQueue<IReadOnlyList<KeyValuePair<string, object?>>>();
        await using var runtime = ForkRuntime.Create();
        ForkTracing.Use(runtime.System, LoggerFactory.Create(b => b.AddProvider(new StateProvider(logged)).SetMinimumLevel(LogLevel.Debug)));
        var status = await runtime.RunAsync(async libc => (await libc.Wait4Async(await libc.ForkAsync(_ => Task.FromResult(0)))).Status.ExitCode)
            .WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(WaitStatus.FromExit(0), status);
        var forkRequest = Assert.Single(logged, state => state.Any(p => p is { Key: "Message", Value: string m } && m.StartsWith("ForkRequest")));
        Assert.Contains(forkRequest, p => p is { Key: "Fork", Value: "1.1" });
        Assert.Contains(forkRequest, p => p is { Key: "Sender", Value: "Libc 1" });
        Assert.Contains(forkRequest, p => p is { Key: "Sequence", Value: long });
    }

    private static async Task<IReadOnlyList<TraceRecord>> RecordTestFork()
    {
        await using var runtime = ForkRuntime.Create();
        using var recorder = ForkTracing.For(runtime.System).StartRecording();
        var status = await runtime.RunAsync(TestFork.Name, new ProcessOptions().WithArgs("test-fork").WithEnvironment("WIZARD", "gandalf"))
            .WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(WaitStatus.FromExit(0), status);
        return recorder.Records;
    }

    private sealed class StateProvider(ConcurrentQueue<IReadOnlyList<KeyValuePair<string, object?>>> logged) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName == ForkTracing.TraceCategory ? logged : null);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<IReadOnlyList<KeyValuePair<string, object?>>>? logged) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logged is not null && logLevel >= LogLevel.Debug;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (state is IReadOnlyList<KeyValuePair<string, object?>> properties) logged?.Enqueue(properties);
            }
        }
    }
}
