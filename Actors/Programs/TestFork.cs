using System.Text;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// Genode's own fork test (<c>repos/libports/src/test/fork/test.cc</c>) as a program of this runtime: a message
/// in the rw segment and one on the heap, argv, the environment and fd 3 (at seek 5) must reach the child; the
/// child forks a grandchild; all three count; each parent waits for its child.
/// </summary>
internal static class TestFork
{
    public const string Name = "test-fork";
    private const int MaxCount = 100;
    private const int MessageSize = 100;
    private const string RwMessage = "message stored in rw segment";
    private const string HeapMessage = "message stored on the heap";

    public static async Task<int> Main(Libc libc)
    {
        libc.Log("--- test-fork started ---");
        var memory = libc.Memory;
        var rwMessage = memory.RwSegment("binary").At;
        var parentArgv0 = rwMessage + MessageSize;
        WriteString(memory, rwMessage, RwMessage);
        var heapMessage = memory.Malloc(MessageSize);
        WriteString(memory, heapMessage, HeapMessage);
        WriteString(memory, parentArgv0, libc.Args.Count > 0 ? libc.Args[0] : "");

        // Genode's run script gives the test <fd id="3" path="/seek_test" readable="yes" seek="5"/>.
        var fd = await libc.OpenAsync("/seek_test", OpenFlags.ReadWrite | OpenFlags.Create | OpenFlags.Truncate);
        await libc.WriteAsync(fd, "0123456789"u8.ToArray());
        await libc.SeekAsync(fd, 5, SeekOrigin.Begin);
        if (fd != 3) return Fail(libc, $"/seek_test opened as fd {fd}, not 3");

        var child = await libc.ForkAsync(c => Child(c, rwMessage, parentArgv0, heapMessage, fd));
        libc.Log($"pid {libc.Pid}: fork returned {child}");
        libc.Log($"pid {libc.Pid}: parent received child pid {child}, starts counting...");
        for (var i = 0; i < MaxCount; i++) libc.Log($"pid {libc.Pid}: parent      i = {i}");
        libc.Log($"pid {libc.Pid}: parent waits for child exit");
        var waited = await libc.Wait4Async(child);
        if (waited.Pid != child || waited.Status != WaitStatus.FromExit(0))
            return Fail(libc, $"child {child} ended with {waited.Status} ({waited.Error})");
        libc.Log("--- parent done ---");
        return 0;
    }

    private static async Task<int> Child(Libc libc, ulong rwMessage, ulong parentArgv0, ulong heapMessage, int fd)
    {
        libc.Log($"pid {libc.Pid}: fork returned 0");
        libc.Log($"pid {libc.Pid}: child says hello");
        var rw = ReadString(libc.Memory, rwMessage);
        libc.Log($"RW segment: {rw}");
        if (rw != RwMessage) return Fail(libc, "unexpected content of the child's RW segment");
        var argv0 = libc.Args.Count > 0 ? libc.Args[0] : "";
        libc.Log($"argv0: {argv0}");
        if (argv0 != ReadString(libc.Memory, parentArgv0)) return Fail(libc, "unexpected content of the child's args buffer");
        var heap = ReadString(libc.Memory, heapMessage);
        libc.Log($"heap: {heap}");
        if (heap != HeapMessage) return Fail(libc, "unexpected content on the child's heap");
        libc.Log($"WIZARD: {(libc.Environment.TryGetValue("WIZARD", out var wizard) ? wizard : "(unset)")}");

        var c = new byte[1];
        if (await libc.ReadAsync(fd, c) == 1)
        {
            libc.Log($"read character '{(char)c[0]}' from FD {fd}");
            if (c[0] != '5') return Fail(libc, $"read unexpected value from FD {fd}");
        }

        var grandchild = await libc.ForkAsync(GrandChild);
        libc.Log($"pid {libc.Pid}: fork returned {grandchild}");
        for (var j = 0; j < MaxCount; j++) libc.Log($"pid {libc.Pid}: child       j = {j}");
        libc.Log($"pid {libc.Pid}: child waits for grand-child exit");
        var waited = await libc.Wait4Async(grandchild);
        return waited.Pid == grandchild && waited.Status == WaitStatus.FromExit(0)
            ? 0
            : Fail(libc, $"grandchild {grandchild} ended with {waited.Status} ({waited.Error})");
    }

    private static Task<int> GrandChild(Libc libc)
    {
        libc.Log($"pid {libc.Pid}: fork returned 0");
        libc.Log($"pid {libc.Pid}: grand child says hello");
        for (var k = 0; k < MaxCount; k++) libc.Log($"pid {libc.Pid}: grand child k = {k}");
        return Task.FromResult(0);
    }

    private static int Fail(Libc libc, string error)
    {
        libc.Log($"Error: {error}");
        return -1;
    }

    private static void WriteString(AddressSpace memory, ulong at, string text)
    {
        var bytes = new byte[MessageSize];
        Encoding.UTF8.GetBytes(text.AsSpan(0, Math.Min(text.Length, MessageSize - 1)), bytes);
        memory.Write(at, bytes);
    }

    private static string ReadString(AddressSpace memory, ulong at)
    {
        Span<byte> bytes = stackalloc byte[MessageSize];
        memory.Read(at, bytes);
        var end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }
}
