using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// The meter's instruments are shared by every namespace of the test process (the gauges sum over all of them, the
/// counters count every fork): these specs run alone, after the parallel ones, so what they measure is their own.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeterCollection
{
    public const string Name = "The meter Fork.Actors, alone";
}

/// <summary>
/// The metrics of the meter <c>Fork.Actors</c>: the live-process and zombie gauges over the live namespaces, the wait4
/// latency histogram, and the bytes children took over through their clone sessions.
/// </summary>
[Collection(MeterCollection.Name)]
public sealed class MetricsSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    [Fact]
    public async Task The_gauges_count_live_processes_and_a_child_that_exited_unreaped_as_a_zombie_until_it_is_reaped()
    {
        using var meter = new Measurements();
        var before = (Processes: meter.Gauge("fork.processes"), Zombies: meter.Gauge("fork.zombies"));
        var forked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var counted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reaped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = Run(async libc =>
        {
            var (running, gate) = await libc.ForkGated(0);
            var exited = await libc.ForkAsync(_ => Task.FromResult(0));
            forked.SetResult();
            await counted.Task;
            Assert.Equal(exited, (await libc.Wait4Async(exited)).Pid);
            reaped.SetResult();
            await released.Task;
            await libc.Release(gate);
            Assert.Equal(running, (await libc.Wait4Async(running)).Pid);
            return 0;
        });

        await forked.Task.WaitAsync(Bound);
        // init and the gated child live; the other child ended and nobody reaped it: a zombie.
        await meter.Eventually(() => (meter.Gauge("fork.processes"), meter.Gauge("fork.zombies")), (before.Processes + 2, before.Zombies + 1));
        counted.SetResult();
        await reaped.Task.WaitAsync(Bound);
        await meter.Eventually(() => (meter.Gauge("fork.processes"), meter.Gauge("fork.zombies")), (before.Processes + 2, before.Zombies));
        released.SetResult();
        Assert.Equal(WaitStatus.FromExit(0), await run);
        // The namespace is gone: it counts no more.
        await meter.Eventually(() => (meter.Gauge("fork.processes"), meter.Gauge("fork.zombies")), before);
    }

    [Fact]
    public async Task Every_wait4_answered_by_the_process_records_its_latency_once()
    {
        using var meter = new Measurements();
        await RunToSuccess(async libc =>
        {
            var (child, gate) = await libc.ForkGated(0);
            Assert.Equal(0, (await libc.Wait4Async(child, WaitOptions.WNOHANG)).Pid);
            var parked = libc.Wait4Async(child);
            await libc.Release(gate);
            Assert.Equal(child, (await parked).Pid);
            Assert.Equal(Errno.ECHILD, (await libc.Wait4Async(-1)).Error);
            return 0;
        });

        var latencies = meter.Recorded("fork.wait4.duration");
        Assert.Equal(3, latencies.Count);
        Assert.All(latencies, ms => Assert.True(ms >= 0, $"{ms} ms"));
    }

    [Fact]
    public async Task The_clone_bytes_counter_grows_by_the_image_a_child_took_over_once_per_fork()
    {
        using var meter = new Measurements();
        long image = 0;
        await RunToSuccess(async libc =>
        {
            libc.Memory.Malloc(1 << 20);
            var (child, gate) = await libc.ForkGated(0);
            image = libc.Memory.Heap.Sum(r => r.Size) + libc.Memory.Stack.Size
                + new ProcessOptions().LoadedObjects.Sum(name => libc.Memory.RwSegment(name).Size);
            await libc.Release(gate);
            Assert.Equal(child, (await libc.Wait4Async(child)).Pid);
            return 0;
        });

        Assert.True(image > 1 << 20, $"image of {image} bytes");
        Assert.Equal([image], meter.Recorded("fork.clone.bytes"));
    }

    /// <summary>What the meter <c>Fork.Actors</c> measures while this listener is on.</summary>
    private sealed class Measurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Name, double Value)> _recorded = new();
        private readonly ConcurrentDictionary<string, double> _observed = new();

        public Measurements()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Fork.Actors") listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Add(instrument, value));
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Add(instrument, value));
            _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Add(instrument, value));
            _listener.Start();
        }

        /// <summary>The gauge's value now.</summary>
        public int Gauge(string name)
        {
            _observed.TryRemove(name, out _);
            _listener.RecordObservableInstruments();
            Assert.True(_observed.TryGetValue(name, out var value), $"the gauge {name} reported nothing");
            return (int)value;
        }

        public IReadOnlyList<double> Recorded(string name) => [.. _recorded.Where(m => m.Name == name).Select(m => m.Value)];

        /// <summary>Polls <paramref name="read"/> until it gives <paramref name="expected"/>, up to a bound (the core learns of an end by message).</summary>
        public async Task Eventually<T>(Func<T> read, T expected)
        {
            var deadline = DateTime.UtcNow + Bound;
            while (!EqualityComparer<T>.Default.Equals(read(), expected) && DateTime.UtcNow < deadline) await Task.Delay(10);
            Assert.Equal(expected, read());
        }

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value)
        {
            if (instrument.IsObservable) _observed[instrument.Name] = value;
            else _recorded.Enqueue((instrument.Name, value));
        }
    }
}
