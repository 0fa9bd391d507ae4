using System.Xml.Linq;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>One <c>&lt;fd&gt;</c> node: a descriptor the child reopens (sharing the parent's open file description).</summary>
internal sealed record FdNode(int Id, string Path, bool CloseOnExec, bool Readable, bool Writeable, long Seek);

/// <summary>
/// A process's config ROM: the <c>&lt;libc&gt;</c> node, then every other node of the parent's config
/// (<c>&lt;arg&gt;</c>, <c>&lt;env&gt;</c>, anything else) in order.
/// </summary>
internal sealed record ChildConfig(
    int Pid,
    string Cwd,
    bool Cloned,
    IReadOnlyList<KeyValuePair<string, string>> LibcAttributes,
    IReadOnlyList<FdNode> Fds,
    MemoryRegion? Stack,
    IReadOnlyList<MemoryRegion> Rw,
    IReadOnlyList<MemoryRegion> Heap,
    IReadOnlyList<XElement> Others)
{
    /// <summary>Attributes of the parent's <c>&lt;libc&gt;</c> that a child inherits (Genode copies exactly these).</summary>
    public static readonly string[] InheritedLibcAttributes = ["rtc", "pipe", "socket"];

    public IReadOnlyList<string> Args =>
        Others.Where(n => n.Name == "arg").Select(n => ConfigRom.Text(n, "value") ?? "").ToList();

    public IReadOnlyList<KeyValuePair<string, string>> Environment =>
        Others.Where(n => n.Name == "env")
            .Select(n => KeyValuePair.Create(ConfigRom.Text(n, "key") ?? "", ConfigRom.Text(n, "value") ?? ""))
            .ToList();

    /// <summary>Regions in the order the child pulls them: heap, stack, rw segments.</summary>
    public IReadOnlyList<MemoryRegion> CloneOrder { get; } = Stack is null ? [.. Heap, .. Rw] : [.. Heap, Stack, .. Rw];

    /// <summary>
    /// Init's config: no memory to clone; standard input, output and error open on <c>/dev/null</c> (Genode's libc
    /// opens the <c>&lt;fd&gt;</c> nodes of a config at start); argv and environment as <c>&lt;arg&gt;</c>/<c>&lt;env&gt;</c> nodes.
    /// </summary>
    public static ChildConfig ForInit(ProcessOptions options, bool hostStreams = false) => new(
        1, options.Cwd, false, [],
        [
            new FdNode(0, hostStreams ? "/dev/host/stdin" : DevNull, false, Readable: true, Writeable: false, 0),
            new FdNode(1, hostStreams ? "/dev/host/stdout" : DevNull, false, Readable: false, Writeable: true, 0),
            new FdNode(2, hostStreams ? "/dev/host/stderr" : DevNull, false, Readable: false, Writeable: true, 0),
        ],
        null, [], [],
        ImageNodes([], options.Args, options.Environment));

    public const string DevNull = "/dev/null";

    /// <summary>
    /// The non-libc nodes of a child's config: the parent's other nodes verbatim, then argv and the
    /// environment as they are at fork (POSIX: the child gets the current environment, not the one at start).
    /// </summary>
    public static IReadOnlyList<XElement> ImageNodes(
        IEnumerable<XElement> others, IEnumerable<string> args, IEnumerable<KeyValuePair<string, string>> environment) =>
    [
        .. args.Select(a => new XElement("arg", new XAttribute("value", a))),
        .. environment.Select(e => new XElement("env", new XAttribute("key", e.Key), new XAttribute("value", e.Value))),
        .. others.Where(n => n.Name != "arg" && n.Name != "env"),
    ];
}
