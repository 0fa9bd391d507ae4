using System.Collections;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using CsCheck;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// The serializer of the messages that cross nodes: every bound record round-trips through the serializer Akka finds
/// for it, every public record of Fork.Messages is bound, local-only (with its reason) or a value carried inside
/// others, and frames of another version, of an unknown manifest or malformed are refused.
/// </summary>
public sealed class ForkSerializerSpec : Akka.TestKit.Xunit2.TestKit
{
    private const int PageSize = MemoryImage.PageSize;

    /// <summary>
    /// Records that never leave their node, and why. Each implements <see cref="INoSerializationVerificationNeeded"/>
    /// (so <c>serialize-messages</c> skips it) and has no binding.
    /// </summary>
    public static readonly IReadOnlyDictionary<Type, string> LocalOnly = new Dictionary<Type, string>
    {
        [typeof(ForkRequest)] = "a program's call to its own process; carries the child's delegate and the frozen image (handlers are delegates)",
        [typeof(ExecRequest)] = "a program's call to its own process",
        [typeof(Wait4)] = "a program's call to its own process",
        [typeof(WaitResult)] = "the process's answer to its own program's wait4 (a reply reference without a path)",
        [typeof(CancelWait)] = "from a program to its own process",
        [typeof(KillProcess)] = "a program's call to its own process (which sends KillRequest to the core)",
        [typeof(SetPgid)] = "a program's call to its own process (which sends SetPgidRequest to the core)",
        [typeof(GetPpid)] = "a program's call to its own process",
        [typeof(GetPgrp)] = "a program's call to its own process",
        [typeof(OpenSession)] = "a program's call to its own process (which sends SessionRequest to its policy)",
        [typeof(ProgramEnded)] = "from a program (or its process's own context) to its process",
        [typeof(SetDisposition)] = "from a program to its own process",
        [typeof(LogLine)] = "from a program to its own process (which sends LogWrite to its LOG session)",
        [typeof(MakeDirectory)] = "a program's call to its own process (which sends FsMkDir)",
        [typeof(RemoveDirectory)] = "a program's call to its own process (which sends FsRmDir)",
        [typeof(UnlinkFile)] = "a program's call to its own process (which sends FsUnlink)",
        [typeof(RenameFile)] = "a program's call to its own process (which sends FsRename)",
        [typeof(StatFile)] = "a program's call to its own process (which sends FsStat)",
        [typeof(ReadDirectory)] = "a program's call to its own process (which sends FsReadDir)",
        [typeof(ChangeDirectory)] = "a program's call to its own process (which sends FsCheckDirectory)",
        [typeof(PrepareClone)] = "from a parent to its own clone service; the image's pages go by reference (a remote child pulls bytes)",
    };

    /// <summary>Records that are no message of their own: values inside messages (or of the API), and what carries them.</summary>
    public static readonly IReadOnlyDictionary<Type, string> CarriedValues = new Dictionary<Type, string>
    {
        [typeof(Quota)] = "SessionRequest, QuotaTransfer, Resource*, ChildReady, ChildExited, ProcessExited, Adopt",
        [typeof(WaitStatus)] = "ChildExited, ChildStateChanged, ProcessExited, ProcessStateChanged, Adopt",
        [typeof(ResourceUsage)] = "ChildExited, ProcessExited, Adopt",
        [typeof(InheritedDescriptor)] = "CloneChunk, DescriptorsChunk (and PrepareClone, locally)",
        [typeof(DescriptionInfo)] = "Described",
        [typeof(MemoryRegion)] = "MemoryImage and the address space's API, locally; a remote child learns its regions from its config ROM",
        [typeof(MemoryImage)] = "PrepareClone and ForkImage, locally (frozen pages by reference)",
        [typeof(ForkImage)] = "ForkRequest, locally (signal handlers are delegates)",
        [typeof(ForkPlacement)] = "Libc.ForkAsync's argument; the node's spawner will be asked by address, not with this record",
    };

    private readonly IActorRef _a;
    private readonly IActorRef _b;

    public ForkSerializerSpec(ITestOutputHelper output)
        : base(ForkSerializer.Configuration, output: output)
    {
        _a = CreateTestProbe("policy").Ref;
        _b = CreateTestProbe("server").Ref;
    }

    /// <summary>A page of <paramref name="value"/> bytes, <paramref name="length"/> long.</summary>
    private static byte[] Page(byte value, int length = PageSize) => Enumerable.Repeat(value, length).ToArray();

    private static readonly PageSnapshot Pages = PageSnapshot.FromPages(9, [(0, Page(0x10)), (3, Page(0x33)), (4, Page(0x44)), (8, Page(0x88, 100))]);

    /// <summary>One or more instances of every bound record; the first of each type has no field at its default.</summary>
    private IEnumerable<object> Samples()
    {
        var quota = new Quota(2_500_000, 100);
        var usage = new ResourceUsage(TimeSpan.FromMilliseconds(12.5), TimeSpan.FromTicks(7), 123_456);
        var killed = WaitStatus.FromSignal(Signal.SIGSEGV, coreDumped: true);
        InheritedDescriptor[] descriptors = [new(0, 11, true, _b), new(3, 12, false)];

        yield return new SessionRequest(Services.Log, "init -> 2 -> sh", quota);
        yield return new SessionGranted(Services.Clone, "2", 42, _a);
        yield return new SessionDenied(Services.Rom, "libc.so", "no ROM module \"libc.so\"");
        yield return new SessionClose(-3);
        yield return new PolicyChanged(_a);
        yield return new RomDataspace("config", "<config><libc pid=\"2\"/></config>");
        yield return new LogWrite(9, "hello, world");
        yield return new TimerSleep(4, TimeSpan.FromSeconds(1.5), 77);
        yield return new TimerFired(77);
        yield return new RtcRead(5);
        yield return new RtcTime(new DateTimeOffset(2025, 3, 4, 5, 6, 7, 890, TimeSpan.FromHours(-5.5)));

        yield return new QuotaTransfer(quota);
        yield return new ResourceRequest(new Quota(4096, 2), 8);
        yield return new ResourceGranted(new Quota(4096, 2), 8);
        yield return new ResourceDenied(new Quota(long.MaxValue, int.MaxValue), long.MinValue, "init lacks it");

        yield return new CloneSessionRequest(2, new SessionRequest(Services.Clone, "2", quota));
        yield return new MemoryContent(1, 0x4010_0000, 512 * 1024);
        yield return new MemoryChunk(0x1100_0000, 9 * PageSize - 17, Pages);
        yield return new MemoryChunk(0x1100_3000, 4 * PageSize, Pages.Slice(3, 4));
        yield return new MemoryChunk(ulong.MaxValue - PageSize, PageSize, PageSnapshot.Empty(1));
        yield return new CloneRefused(1, 0x40, 8192, Errno.EFAULT, "outside the regions");
        yield return new DescriptorsContent(6);
        yield return new CloneContent(6);
        yield return new CloneChunk([new MemoryChunk(0x1100_0000, 9 * PageSize, Pages), new MemoryChunk(0x4010_0000, PageSize, PageSnapshot.FromPages(1, [(0, Page(1))]))], descriptors);
        yield return new CloneChunk([], []);
        yield return new DescriptorsChunk(descriptors);
        yield return new CloneClosed(2);
        yield return new CloneAbandoned(3);

        yield return new ProgramEntry("sh", null);
        yield return new ChildCreated(_b);
        yield return new ChildReady(2, quota);
        yield return new ChildExited(2, WaitStatus.FromExit(3), usage, quota);
        yield return new ChildStateChanged(2, WaitStatus.FromStop(Signal.SIGTSTP));
        yield return new ProcessExited(2, killed, usage, quota);
        yield return new ProcessStateChanged(2, WaitStatus.ContinuedStatus);
        yield return Reap.Instance;
        yield return new Orphan(_a);
        yield return new Adopt(4, "init -> 2 -> 4", _b, killed, usage, quota, 2);
        yield return new Adopt(4, "4", _b, null, default, Quota.Zero);
        yield return new Adopted(4);
        yield return new Reparented(1, _a);
        yield return PolicyReleased.Instance;
        yield return new SpawnProcess(7, 2, 1, 1, "sh", "/bin/sh", 3, true, _a, _b, _a) { Ignored = [Signal.SIGINT, Signal.SIGPIPE], StartQuota = new Quota(2_500_000, 100) };
        yield return new ProcessSpawned(7, _b);
        yield return new SpawnRefused(7, Errno.ENOENT, "no program named \"sh\" is registered on this node");

        yield return new AllocatePid(1, 99);
        yield return new PidAllocated(4_194_303, 1, 99);
        yield return new PidRefused("every pid is in use", 99);
        yield return new ProcessStarted(2, _b);
        yield return new ProcessEnded(2);
        yield return new PidReleased(2);
        yield return new ReleasePid(2);
        yield return new ProcessLost(2, _b);
        yield return new ProcessViewChanged(2, "sleep", true, 12 * 4096, killed);
        yield return new ProcessViewChanged(2, "sh", false, 4096, null);
        yield return new KillRequest(2, -7, Signal.SIGTERM);
        yield return new SetPgidRequest(2, 3, 3);
        yield return new ChildGroupChanged(3, 3);
        yield return KillAllButInit.Instance;
        yield return NamespaceEmpty.Instance;

        yield return new DeliverSignal(Signal.SIGPIPE, 2);
        yield return SignalSent.Instance;

        yield return new LibcOk(-1);
        yield return LibcOk.Of(4096);
        yield return new LibcOk(long.MaxValue);
        yield return new LibcError(Errno.EHOSTUNREACH, "the node is gone");
        yield return Interrupt.Instance;
        yield return new Interrupted(17, Errno.EPIPE);

        yield return new FsOpen("/tmp/a b", OpenFlags.ReadWrite | OpenFlags.Create | OpenFlags.CloseOnExec);
        yield return new DescriptionOpened(7, _b);
        yield return new DescriptionOpened(7);
        yield return new FsRead(7, 4096, 2);
        yield return new DataRead([1, 2, 0, 255]);
        yield return DataRead.EndOfFile;
        yield return new FsWrite(7, [0, 1, 2, 3]);
        yield return new FsSeek(7, -5, SeekOrigin.End);
        yield return new FsRetain([3, 4, long.MaxValue]);
        yield return new FsDuplicate(7);
        yield return new FsRelease(7);
        yield return new FsClose(7);
        yield return FsPipe.Instance;
        yield return new PipeCreated(8, 9, _b);
        yield return new FsDescribe([3, 4], true, 12);
        yield return new Described([new DescriptionInfo(3, "/seek_test", OpenFlags.WriteOnly | OpenFlags.Append, 5)], 12);
        yield return new FsProcessEnded(2, [3, 4]);
        yield return new FsMkDir("/tmp/d");
        yield return new FsRmDir("/tmp/d");
        yield return new FsUnlink("/tmp/f");
        yield return new FsRename("/tmp/f", "/tmp/g");
        yield return new FsStat("/proc/2/status");
        yield return new FsReadDir("/bin");
        yield return new FsProgram("/bin/sh");
        yield return new ProgramFile("sh");
        yield return new FsCheckDirectory("/home");
        yield return new DirectoryListing(["a", "b", "é→"]);
        yield return new FileStatus(FileKind.Fifo, 65536, 2);
    }

    [Fact]
    public void Every_bound_record_round_trips_through_the_serializer_Akka_finds_for_it()
    {
        foreach (var message in Samples())
        {
            var back = RoundTrip(message);
            AssertSameValue(message, back, message.GetType().Name);
        }
    }

    [Fact]
    public void Every_bound_record_has_a_sample_with_no_field_at_its_default()
    {
        var firsts = Samples().GroupBy(m => m.GetType()).ToDictionary(g => g.Key, g => g.First());
        Assert.Empty(ForkSerializer.Manifests.Keys.Where(t => !firsts.ContainsKey(t)).Select(t => t.Name));
        foreach (var (type, sample) in firsts)
        {
            // A program's delegate never crosses nodes: null is the only value it has here.
            foreach (var property in Fields(type).Where(p => p.PropertyType != typeof(Delegate)))
            {
                var value = property.GetValue(sample);
                var unset = value is null
                    || (value.GetType().IsValueType && value.Equals(Activator.CreateInstance(value.GetType())))
                    || (value is ICollection { Count: 0 });
                Assert.False(unset, $"the sample {type.Name} leaves {property.Name} at its default");
            }
        }
    }

    [Fact]
    public void Shared_answers_come_back_shared()
    {
        Assert.Same(Reap.Instance, RoundTrip(Reap.Instance));
        Assert.Same(LibcOk.Zero, RoundTrip(new LibcOk(0)));
        Assert.Same(DataRead.EndOfFile, RoundTrip(new DataRead([])));
        Assert.Same(Interrupt.Instance, RoundTrip(Interrupt.Instance));
    }

    [Fact]
    public void A_chunk_rebuilds_the_pages_that_exist_and_leaves_the_others_empty()
    {
        var back = (MemoryChunk)RoundTrip(new MemoryChunk(0x1100_3000, 4 * PageSize, Pages.Slice(3, 4)));

        Assert.Equal(4, back.Pages.PageCount);
        Assert.Equal(2, back.Pages.PresentPages);
        Assert.Equal(Page(0x33), back.Pages[0].ToArray());
        Assert.Equal(Page(0x44), back.Pages[1].ToArray());
        Assert.True(back.Pages[2].IsEmpty);
        Assert.True(back.Pages[3].IsEmpty);
    }

    // Strings with NUL, characters outside the BMP (surrogate pairs) and lone surrogates, which UTF-8 cannot hold.
    private static readonly Gen<string> AnyText = Gen.Frequency(
            (4, Gen.Char['a', 'z'].Select(c => c.ToString())),
            (2, Gen.Const("\0")),
            (2, Gen.Int[0x10000, 0x10FFFF].Select(char.ConvertFromUtf32)),
            (2, Gen.Char.Select(c => c.ToString())))
        .Array[0, 24].Select(string.Concat);

    [Fact]
    public void Byte_and_string_carrying_messages_round_trip_whatever_they_carry()
    {
        Gen.Select(Gen.Long, Gen.Byte.Array[0, 9000], AnyText, AnyText, Gen.Long, Gen.Int).Sample((id, bytes, first, second, ram, caps) =>
        {
            object[] messages =
            [
                new FsWrite(id, bytes),
                new DataRead(bytes),
                new RomDataspace(first, second),
                new LogWrite(id, first),
                new SessionRequest(first, second, new Quota(ram, caps)),
            ];
            foreach (var message in messages) AssertSameValue(message, RoundTrip(message), message.GetType().Name);
        }, iter: 300);
    }

    [Fact]
    public void Text_travels_as_UTF_8_and_a_lone_surrogate_as_UTF_16()
    {
        const string text = "gandalf \0 \U0001F9D9";
        var utf8 = Encoding.UTF8.GetByteCount(text);

        Assert.Equal(1 + 1 + utf8, Bytes(new FsMkDir(text)).Length);
        Assert.Equal(1 + 1 + 2 * 3, Bytes(new FsMkDir("a\uD800b")).Length);
        Assert.Equal("a\uD800b", ((FsMkDir)RoundTrip(new FsMkDir("a\uD800b"))).Path);
        Assert.Equal("\uDFFF", ((FsMkDir)RoundTrip(new FsMkDir("\uDFFF"))).Path);
    }

    [Fact]
    public void Every_public_record_of_the_vocabulary_is_bound_local_only_or_a_carried_value()
    {
        var records = typeof(WaitStatus).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == "Fork.Messages" && t.GetMethod("PrintMembers", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic) is not null)
            .ToList();
        Assert.Contains(typeof(FsWrite), records);
        Assert.Contains(typeof(WaitResult), records);

        var problems = new List<string>();
        foreach (var type in records)
        {
            var bound = typeof(ICrossNode).IsAssignableFrom(type);
            var local = LocalOnly.ContainsKey(type);
            var value = CarriedValues.ContainsKey(type);
            if ((bound ? 1 : 0) + (local ? 1 : 0) + (value ? 1 : 0) != 1)
                problems.Add($"{type.Name}: bound {bound}, local-only {local}, carried value {value} (exactly one, please)");
            if (bound && !ForkSerializer.Manifests.ContainsKey(type)) problems.Add($"{type.Name} is ICrossNode without a manifest");
            if (bound && Sys.Serialization.FindSerializerForType(type) is not ForkSerializer) problems.Add($"{type.Name} is not bound to ForkSerializer");
            if (local && !typeof(INoSerializationVerificationNeeded).IsAssignableFrom(type))
                problems.Add($"{type.Name} is local-only but not INoSerializationVerificationNeeded");
            if (!bound && Sys.Serialization.FindSerializerForType(type) is ForkSerializer) problems.Add($"{type.Name} is bound but not ICrossNode");
        }

        Assert.Empty(problems);
        Assert.DoesNotContain(ForkSerializer.Manifests.Keys, t => !typeof(ICrossNode).IsAssignableFrom(t));
        Assert.DoesNotContain(LocalOnly.Keys.Concat(CarriedValues.Keys), t => !records.Contains(t));
    }

    [Fact]
    public void Manifests_are_short_and_distinct()
    {
        var manifests = ForkSerializer.Manifests.Values.ToList();
        Assert.Equal(manifests.Count, manifests.Distinct(StringComparer.Ordinal).Count());
        Assert.All(manifests, m => Assert.InRange(m.Length, 1, 3));
    }

    [Fact]
    public void A_frame_of_another_format_version_is_refused()
    {
        var frame = Bytes(new ProcessEnded(2));
        frame[0] = ForkSerializer.FormatVersion + 1;

        var e = Assert.Throws<SerializationException>(() => Sys.Serialization.Deserialize(frame, ForkSerializer.Id, "NE"));
        Assert.Contains("format version 2", e.Message);
        Assert.Throws<SerializationException>(() => Sys.Serialization.Deserialize([], ForkSerializer.Id, "NE"));
    }

    [Fact]
    public void A_frame_of_an_unknown_manifest_is_refused()
    {
        var e = Assert.Throws<SerializationException>(() => Sys.Serialization.Deserialize(Bytes(new ProcessEnded(2)), ForkSerializer.Id, "??"));
        Assert.Contains("Unknown Fork manifest", e.Message);
    }

    [Fact]
    public void A_truncated_or_overlong_frame_is_refused()
    {
        var frame = Bytes(new FsWrite(7, Page(1)));

        Assert.Throws<SerializationException>(() => Sys.Serialization.Deserialize(frame[..^1], ForkSerializer.Id, "FW"));
        Assert.Throws<SerializationException>(() => Sys.Serialization.Deserialize([.. frame, 0], ForkSerializer.Id, "FW"));
        // A count that claims more than the frame holds is refused before anything is allocated for it.
        Assert.Throws<SerializationException>(() => Sys.Serialization.Deserialize([ForkSerializer.FormatVersion, 0xff, 0xff, 0xff, 0x7f], ForkSerializer.Id, "FX"));
    }

    [Fact]
    public void A_message_without_a_binding_is_not_ours_to_serialize()
    {
        var serializer = (ForkSerializer)Sys.Serialization.FindSerializerForType(typeof(FsWrite));
        Assert.Throws<SerializationException>(() => serializer.ToBinary(new CancelWait(1)));
        Assert.IsNotType<ForkSerializer>(Sys.Serialization.FindSerializerFor(new CancelWait(1)));
    }

    [Fact]
    public void A_program_entry_with_a_local_delegate_cannot_cross_nodes()
    {
        ProcessMain main = _ => Task.FromResult(0);

        var e = Assert.Throws<SerializationException>(() => Bytes(new ProgramEntry("TestFork.Main (lambda)", main)));
        Assert.Contains("closure cannot cross nodes", e.Message);
        Assert.Equal(new ProgramEntry("sh", null), RoundTrip(new ProgramEntry("sh", null)));
    }

    [Fact]
    public void A_chunk_of_N_pages_is_N_pages_of_bytes_and_a_few_more()
    {
        foreach (var n in new[] { 1, 30, 128 })
        {
            var snapshot = PageSnapshot.FromPages(n, Enumerable.Range(0, n).Select(i => ((long)i, (ReadOnlyMemory<byte>)Page((byte)i))));
            var chunk = Bytes(new MemoryChunk(0x1100_0000, n * (long)PageSize, snapshot));
            var clone = Bytes(new CloneChunk([new MemoryChunk(0x1100_0000, n * (long)PageSize, snapshot)], [new InheritedDescriptor(3, 12, false)]));

            Assert.InRange(chunk.Length, n * PageSize, n * (PageSize + 3) + 32);
            Assert.InRange(clone.Length, n * PageSize, n * (PageSize + 3) + 48);
        }
    }

    [Fact]
    public void The_pages_that_fit_a_frame_leave_room_for_the_envelope()
    {
        const int frame = 128_000;
        var fit = ForkSerializer.PagesThatFit(frame);
        var sparse = PageSnapshot.FromPages(1L << 40, Enumerable.Range(0, fit).Select(i => ((long)i << 30, (ReadOnlyMemory<byte>)Page(1))));

        var bytes = Bytes(new MemoryChunk(ulong.MaxValue, long.MaxValue, sparse));

        Assert.Equal(30, fit);
        Assert.InRange(bytes.Length, fit * PageSize, frame - ForkSerializer.EnvelopeReserve);
        Assert.Equal(0, ForkSerializer.PagesThatFit(ForkSerializer.EnvelopeReserve));
    }

    private object RoundTrip(object message)
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<ForkSerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var bytes = serializer.ToBinary(message);
        return Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest);
    }

    private byte[] Bytes(object message) => Sys.Serialization.FindSerializerFor(message).ToBinary(message);

    private static IEnumerable<PropertyInfo> Fields(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract");

    /// <summary>Equal by value: records field by field, collections item by item, snapshots page by page.</summary>
    private static void AssertSameValue(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: {expected ?? "null"} ≠ {actual ?? "null"}");
            return;
        }

        // A collection's own type (an array, a list) is not part of the record's value; everything else's is.
        if (expected is not IEnumerable || expected is string)
            Assert.True(expected.GetType() == actual.GetType(), $"{path}: {expected.GetType().Name} ≠ {actual.GetType().Name}");
        switch (expected)
        {
            case PageSnapshot pages:
                var back = (PageSnapshot)actual;
                Assert.True(pages.PageCount == back.PageCount, $"{path}: {pages.PageCount} ≠ {back.PageCount} pages");
                Assert.Equal(pages.Present().Select(p => (p.Index, Convert.ToHexString(p.Page.Span))), back.Present().Select(p => (p.Index, Convert.ToHexString(p.Page.Span))));
                return;
            case string or IActorRef or ValueType:
                Assert.True(expected.Equals(actual), $"{path}: {expected} ≠ {actual}");
                return;
            case IEnumerable items:
                var left = items.Cast<object?>().ToList();
                var right = ((IEnumerable)actual).Cast<object?>().ToList();
                Assert.True(left.Count == right.Count, $"{path}: {left.Count} ≠ {right.Count} items");
                for (var i = 0; i < left.Count; i++) AssertSameValue(left[i], right[i], $"{path}[{i}]");
                return;
        }

        foreach (var property in Fields(expected.GetType()))
            AssertSameValue(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
    }
}
