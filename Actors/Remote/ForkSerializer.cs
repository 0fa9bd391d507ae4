using System.Collections.Frozen;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// The serializer of every message that may cross nodes (<see cref="ICrossNode"/>): compact binary, no reflection. A
/// payload is a format version byte (<see cref="FormatVersion"/>) and the record's fields in declaration order, as
/// <see cref="FrameWriter"/> encodes them; the manifest (two letters, one per type, in the table below) names the record.
/// A frame of another version, of an unknown manifest, or malformed, is a <see cref="SerializationException"/>.
/// Actor references travel as their serialized path and are resolved on the reading node. Memory travels as the bytes of
/// the pages that were written; the serializer never splits a chunk (see <see cref="PagesThatFit"/>).
/// </summary>
public sealed class ForkSerializer : SerializerWithStringManifest
{
    /// <summary>This serializer's id in every frame (Akka reserves 0 to 100 for its own).</summary>
    public const int Id = 4711;

    /// <summary>The first byte of every payload. A later version reads this one or refuses it by this byte.</summary>
    public const byte FormatVersion = 1;

    /// <summary>
    /// What a frame holds besides the payload: the recipient's and the sender's paths, the manifest, the serializer id and
    /// the transport's own fields. Kept free below the maximum frame size by <see cref="PagesThatFit"/>.
    /// </summary>
    public const int EnvelopeReserve = 2048;

    // A chunk's own fields at their longest: version, At, Size, page count and present count as 10-byte varints at most.
    private const int ChunkHeaderMax = 1 + 4 * 10;

    // One present page at its longest: the gap from the previous page (a varint), its length (2 bytes) and its bytes.
    private const int PageEntryMax = 10 + 2 + MemoryImage.PageSize;

    private readonly ExtendedActorSystem _system;

    public ForkSerializer(ExtendedActorSystem system)
        : base(system) => _system = system;

    /// <summary>
    /// Declares this serializer and binds every <see cref="ICrossNode"/> message to it. Not on by default: a cluster
    /// node's configuration includes it (with <c>akka.actor.serialize-messages</c> it checks local sends too).
    /// </summary>
    public static Config Configuration { get; } = ConfigurationFactory.ParseString("""
        akka.actor {
          serializers {
            fork = "Fork.Actors.ForkSerializer, Fork.Actors"
          }
          serialization-bindings {
            "Fork.Messages.ICrossNode, Fork.Messages" = fork
          }
          serialization-identifiers {
            "Fork.Actors.ForkSerializer, Fork.Actors" = 4711
          }
        }
        """);

    public override int Identifier => Id;

    /// <summary>
    /// How many whole pages a <see cref="MemoryChunk"/> may carry so that its frame stays below
    /// <paramref name="maximumFrameSize"/> (Akka's <c>maximum-frame-size</c>, 128 000 bytes by default: 30 pages).
    /// </summary>
    public static int PagesThatFit(int maximumFrameSize)
    {
        var room = maximumFrameSize - EnvelopeReserve - ChunkHeaderMax;
        return room <= 0 ? 0 : room / PageEntryMax;
    }

    /// <summary>How many written pages one <see cref="MemoryChunk"/> to another node of <paramref name="system"/> may carry (at least 1).</summary>
    public static int PagesPerFrame(ActorSystem system) => Math.Max(1, PagesThatFit(FrameSize(system)));

    /// <summary>
    /// How many bytes of data (a write's, a read's, a ROM's text) one message to another node of <paramref name="system"/>
    /// may carry: its frame less the envelope and the message's own fields (at least one page).
    /// </summary>
    public static int BytesPerFrame(ActorSystem system) => Math.Max(MemoryImage.PageSize, FrameSize(system) - EnvelopeReserve - MessageFieldsReserve);

    // The fields of a message that carries data besides the data: a description, a count, a session, a name.
    private const int MessageFieldsReserve = 256;

    /// <summary>The transport's <c>maximum-frame-size</c> (128 000 bytes unless configured).</summary>
    private static int FrameSize(ActorSystem system) =>
        (int)Math.Min(system.Settings.Config.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size", null) ?? 128_000, int.MaxValue);

    public override string Manifest(object o) => CodecOf(o).Manifest;

    public override byte[] ToBinary(object obj)
    {
        var codec = CodecOf(obj);
        var writer = new FrameWriter(codec.Capacity(obj));
        writer.Byte(FormatVersion);
        codec.Write(writer, obj);
        return writer.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (manifest is null || !ByManifest.TryGetValue(manifest, out var codec))
            throw new SerializationException($"Unknown Fork manifest \"{manifest}\": this node knows no such message (serializer {Id}).");
        if (bytes.Length == 0) throw new SerializationException($"Empty Fork frame \"{manifest}\": it lacks its format version byte.");
        if (bytes[0] != FormatVersion)
        {
            throw new SerializationException(
                $"Fork frame \"{manifest}\" has format version {bytes[0]}; this node reads version {FormatVersion} only.");
        }

        var reader = new FrameReader(bytes, 1, _system, manifest);
        var message = codec.Read(reader);
        if (!reader.AtEnd) throw reader.Malformed("bytes are left after the message");
        return message;
    }

    private static Codec CodecOf(object message) =>
        message is not null && ByType.TryGetValue(message.GetType(), out var codec)
            ? codec
            : throw new SerializationException($"{message?.GetType().FullName ?? "null"} has no Fork manifest: it cannot cross nodes.");

    // The manifests, in one place. The first letter is the protocol: S sessions and services, Q quota, C clone session,
    // P process life (policy and parent), N the namespace's core, K signals, L libc answers and interruptions, F files.
    // A manifest, once used, keeps its meaning: a changed encoding is a new format version, a new record a new manifest.
    private static readonly Codec[] Table =
    [
        Of<SessionRequest>("SQ", (w, m) => { w.String(m.Service); w.String(m.Label); w.Quota(m.Quota); },
            r => new SessionRequest(r.String(), r.String(), r.Quota())),
        Of<SessionGranted>("SG", (w, m) => { w.String(m.Service); w.String(m.Label); w.Long(m.SessionId); w.ActorRef(m.Session); },
            r => new SessionGranted(r.String(), r.String(), r.Long(), r.RequiredActorRef())),
        Of<SessionDenied>("SD", (w, m) => { w.String(m.Service); w.String(m.Label); w.String(m.Reason); },
            r => new SessionDenied(r.String(), r.String(), r.String())),
        Of<SessionClose>("SC", (w, m) => w.Long(m.SessionId), r => new SessionClose(r.Long())),
        Of<PolicyChanged>("SP", (w, m) => w.ActorRef(m.Policy), r => new PolicyChanged(r.RequiredActorRef())),
        Of<RomDataspace>("SR", (w, m) => { w.String(m.Name); w.String(m.Content); }, r => new RomDataspace(r.String(), r.String()),
            m => 16 + 3 * (m.Name.Length + m.Content.Length)),
        Of<LogWrite>("SW", (w, m) => { w.Long(m.SessionId); w.String(m.Text); }, r => new LogWrite(r.Long(), r.String()),
            m => 16 + 3 * m.Text.Length),
        Of<TimerSleep>("ST", (w, m) => { w.Long(m.SessionId); w.Long(m.Duration.Ticks); w.Long(m.RequestId); },
            r => new TimerSleep(r.Long(), TimeSpan.FromTicks(r.Long()), r.Long())),
        Of<TimerFired>("SF", (w, m) => w.Long(m.RequestId), r => new TimerFired(r.Long())),
        Of<RtcRead>("SK", (w, m) => w.Long(m.SessionId), r => new RtcRead(r.Long())),
        Of<RtcTime>("SN", (w, m) => { w.Long(m.Now.UtcTicks); w.Int((int)(m.Now.Offset.Ticks / TimeSpan.TicksPerMinute)); },
            r => new RtcTime(Time(r))),

        Of<QuotaTransfer>("QT", (w, m) => w.Quota(m.Amount), r => new QuotaTransfer(r.Quota())),
        Of<ResourceRequest>("QR", (w, m) => { w.Quota(m.Amount); w.Long(m.RequestId); }, r => new ResourceRequest(r.Quota(), r.Long())),
        Of<ResourceGranted>("QG", (w, m) => { w.Quota(m.Amount); w.Long(m.RequestId); }, r => new ResourceGranted(r.Quota(), r.Long())),
        Of<ResourceDenied>("QD", (w, m) => { w.Quota(m.Amount); w.Long(m.RequestId); w.String(m.Reason); },
            r => new ResourceDenied(r.Quota(), r.Long(), r.String())),

        Of<CloneSessionRequest>("CQ", (w, m) =>
            {
                w.Int(m.Pid);
                w.String(m.Request.Service);
                w.String(m.Request.Label);
                w.Quota(m.Request.Quota);
            },
            r => new CloneSessionRequest(r.Int(), new SessionRequest(r.String(), r.String(), r.Quota()))),
        Of<MemoryContent>("CM", (w, m) => { w.Long(m.SessionId); w.UInt(m.At); w.Long(m.Size); },
            r => new MemoryContent(r.Long(), r.UInt(), r.Long())),
        Of<MemoryChunk>("CP", (w, m) => w.Chunk(m), r => r.Chunk(), m => 64 + PagesCapacity(m.Pages.PresentPages)),
        Of<CloneRefused>("CR", (w, m) => { w.Long(m.SessionId); w.UInt(m.At); w.Long(m.Size); w.Int((int)m.Error); w.String(m.Reason); },
            r => new CloneRefused(r.Long(), r.UInt(), r.Long(), (Errno)r.Int(), r.String())),
        Of<DescriptorsContent>("CD", (w, m) => w.Long(m.SessionId), r => new DescriptorsContent(r.Long())),
        Of<CloneContent>("CC", (w, m) => w.Long(m.SessionId), r => new CloneContent(r.Long())),
        Of<CloneChunk>("CK", (w, m) =>
            {
                w.List(m.Memory, static (w, c) => w.Chunk(c));
                w.List(m.Descriptors, static (w, d) => w.Descriptor(d));
            },
            r => new CloneChunk(r.List(static r => r.Chunk()), r.List(static r => r.Descriptor())),
            m => 64 + PagesCapacity(m.Memory.Sum(c => c.Pages.PresentPages))),
        Of<DescriptorsChunk>("CE", (w, m) => w.List(m.Descriptors, static (w, d) => w.Descriptor(d)),
            r => new DescriptorsChunk(r.List(static r => r.Descriptor()))),
        Of<CloneClosed>("CX", (w, m) => w.Int(m.Pid), r => new CloneClosed(r.Int())),
        Of<CloneAbandoned>("CA", (w, m) => w.Int(m.Pid), r => new CloneAbandoned(r.Int())),

        Of<ProgramEntry>("PG", (w, m) => w.Program(m), r => r.Program()),
        Of<ChildCreated>("PC", (w, m) => w.ActorRef(m.Process), r => new ChildCreated(r.RequiredActorRef())),
        Of<ChildReady>("PR", (w, m) => { w.Int(m.Pid); w.Quota(m.Returned); }, r => new ChildReady(r.Int(), r.Quota())),
        Of<ChildExited>("PE", (w, m) => { w.Int(m.Pid); w.Status(m.Status); w.Usage(m.Usage); w.Quota(m.Returned); },
            r => new ChildExited(r.Int(), r.Status(), r.Usage(), r.Quota())),
        Of<ChildStateChanged>("PS", (w, m) => { w.Int(m.Pid); w.Status(m.Status); }, r => new ChildStateChanged(r.Int(), r.Status())),
        Of<ProcessExited>("PX", (w, m) => { w.Int(m.Pid); w.Status(m.Status); w.Usage(m.Usage); w.Quota(m.Returned); },
            r => new ProcessExited(r.Int(), r.Status(), r.Usage(), r.Quota())),
        Of<ProcessStateChanged>("PT", (w, m) => { w.Int(m.Pid); w.Status(m.Status); }, r => new ProcessStateChanged(r.Int(), r.Status())),
        Of<Reap>("PZ", static (_, _) => { }, static _ => Reap.Instance),
        Of<Orphan>("PO", (w, m) => w.ActorRef(m.Core), r => new Orphan(r.RequiredActorRef())),
        Of<Adopt>("PA", (w, m) =>
            {
                w.Int(m.Pid);
                w.String(m.Name);
                w.ActorRef(m.Process);
                w.Bool(m.Status.HasValue);
                if (m.Status is { } status) w.Status(status);
                w.Usage(m.Usage);
                w.Quota(m.Returned);
                w.Int(m.Pgid);
            },
            r => new Adopt(r.Int(), r.String(), r.RequiredActorRef(), r.Bool() ? r.Status() : null, r.Usage(), r.Quota(), r.Int())),
        Of<Adopted>("PD", (w, m) => w.Int(m.Pid), r => new Adopted(r.Int())),
        Of<Reparented>("PP", (w, m) => { w.Int(m.Ppid); w.ActorRef(m.Policy); }, r => new Reparented(r.Int(), r.RequiredActorRef())),
        Of<PolicyReleased>("PL", static (_, _) => { }, static _ => PolicyReleased.Instance),
        Of<SpawnProcess>("PN", (w, m) =>
            {
                w.Long(m.RequestId);
                w.Int(m.Pid);
                w.Int(m.Ppid);
                w.Int(m.Pgid);
                w.String(m.Program);
                w.String(m.Command);
                w.Long(m.Fork);
                w.Bool(m.OpenLog);
                w.ActorRef(m.Policy);
                w.ActorRef(m.Core);
                w.ActorRef(m.FileSystem);
                w.List(m.Ignored, static (w, s) => w.Int((int)s));
                w.Quota(m.StartQuota);
            },
            r => new SpawnProcess(r.Long(), r.Int(), r.Int(), r.Int(), r.String(), r.String(), r.Long(), r.Bool(),
                r.RequiredActorRef(), r.RequiredActorRef(), r.RequiredActorRef()) { Ignored = r.List(static r => (Signal)r.Int()), StartQuota = r.Quota() }),
        Of<ProcessSpawned>("PW", (w, m) => { w.Long(m.RequestId); w.ActorRef(m.Process); }, r => new ProcessSpawned(r.Long(), r.RequiredActorRef())),
        Of<SpawnRefused>("PU", (w, m) => { w.Long(m.RequestId); w.Int((int)m.Errno); w.String(m.Reason); },
            r => new SpawnRefused(r.Long(), (Errno)r.Int(), r.String())),

        Of<AllocatePid>("NA", (w, m) => { w.Int(m.Ppid); w.Long(m.RequestId); }, r => new AllocatePid(r.Int(), r.Long())),
        Of<PidAllocated>("NP", (w, m) => { w.Int(m.Pid); w.Int(m.Pgid); w.Long(m.RequestId); },
            r => new PidAllocated(r.Int(), r.Int(), r.Long())),
        Of<PidRefused>("NR", (w, m) => { w.String(m.Reason); w.Long(m.RequestId); }, r => new PidRefused(r.String(), r.Long())),
        Of<ProcessStarted>("NS", (w, m) => { w.Int(m.Pid); w.ActorRef(m.Process); }, r => new ProcessStarted(r.Int(), r.RequiredActorRef())),
        Of<ProcessEnded>("NE", (w, m) => w.Int(m.Pid), r => new ProcessEnded(r.Int())),
        Of<PidReleased>("NL", (w, m) => w.Int(m.Pid), r => new PidReleased(r.Int())),
        Of<ReleasePid>("NF", (w, m) => w.Int(m.Pid), r => new ReleasePid(r.Int())),
        Of<ProcessLost>("NT", (w, m) => { w.Int(m.Pid); w.ActorRef(m.Process); }, r => new ProcessLost(r.Int(), r.RequiredActorRef())),
        Of<ProcessViewChanged>("NV", (w, m) =>
            {
                w.Int(m.Pid);
                w.String(m.Command);
                w.Bool(m.Stopped);
                w.Long(m.ResidentBytes);
                w.Bool(m.End.HasValue);
                if (m.End is { } end) w.Status(end);
            },
            r => new ProcessViewChanged(r.Int(), r.String(), r.Bool(), r.Long(), r.Bool() ? r.Status() : null)),
        Of<KillRequest>("NK", (w, m) => { w.Int(m.FromPid); w.Int(m.Target); w.Int((int)m.Signal); },
            r => new KillRequest(r.Int(), r.Int(), (Signal)r.Int())),
        Of<SetPgidRequest>("NG", (w, m) => { w.Int(m.CallerPid); w.Int(m.Pid); w.Int(m.Pgid); },
            r => new SetPgidRequest(r.Int(), r.Int(), r.Int())),
        Of<ChildGroupChanged>("NC", (w, m) => { w.Int(m.Pid); w.Int(m.Pgid); }, r => new ChildGroupChanged(r.Int(), r.Int())),
        Of<KillAllButInit>("NX", static (_, _) => { }, static _ => KillAllButInit.Instance),
        Of<NamespaceEmpty>("NZ", static (_, _) => { }, static _ => NamespaceEmpty.Instance),

        Of<DeliverSignal>("KD", (w, m) => { w.Int((int)m.Signal); w.Int(m.FromPid); }, r => new DeliverSignal((Signal)r.Int(), r.Int())),
        Of<SignalSent>("KS", static (_, _) => { }, static _ => SignalSent.Instance),

        Of<LibcOk>("LO", (w, m) => w.Long(m.Value), r => LibcOk.Of(r.Long())),
        Of<LibcError>("LE", (w, m) => { w.Int((int)m.Errno); w.String(m.Reason); }, r => new LibcError((Errno)r.Int(), r.String())),
        Of<Interrupt>("LI", static (_, _) => { }, static _ => Interrupt.Instance),
        Of<Interrupted>("LT", (w, m) => { w.Long(m.Moved); w.Int((int)m.Cause); }, r => new Interrupted(r.Long(), (Errno)r.Int())),

        Of<FsOpen>("FO", (w, m) => { w.String(m.Path); w.Int((int)m.Flags); }, r => new FsOpen(r.String(), (OpenFlags)r.Int())),
        Of<DescriptionOpened>("FD", (w, m) => { w.Long(m.Description); w.ActorRef(m.Server); },
            r => new DescriptionOpened(r.Long(), r.ActorRef())),
        Of<FsRead>("FR", (w, m) => { w.Long(m.Description); w.Int(m.Count); w.Int(m.ReaderPid); },
            r => new FsRead(r.Long(), r.Int(), r.Int())),
        Of<DataRead>("FA", (w, m) => w.Bytes(m.Data), r => r.Bytes() is { Length: > 0 } data ? new DataRead(data) : DataRead.EndOfFile,
            m => 8 + m.Data.Length),
        Of<FsWrite>("FW", (w, m) => { w.Long(m.Description); w.Bytes(m.Data); }, r => new FsWrite(r.Long(), r.Bytes()),
            m => 16 + m.Data.Length),
        Of<FsSeek>("FS", (w, m) => { w.Long(m.Description); w.Long(m.Offset); w.Int((int)m.Origin); },
            r => new FsSeek(r.Long(), r.Long(), (SeekOrigin)r.Int())),
        Of<FsRetain>("FT", (w, m) => w.Longs(m.Descriptions), r => new FsRetain(r.Longs())),
        Of<FsDuplicate>("FU", (w, m) => w.Long(m.Description), r => new FsDuplicate(r.Long())),
        Of<FsRelease>("FL", (w, m) => w.Long(m.Description), r => new FsRelease(r.Long())),
        Of<FsClose>("FC", (w, m) => w.Long(m.Description), r => new FsClose(r.Long())),
        Of<FsPipe>("FP", static (_, _) => { }, static _ => FsPipe.Instance),
        Of<PipeCreated>("FQ", (w, m) => { w.Long(m.ReadDescription); w.Long(m.WriteDescription); w.ActorRef(m.Pipe); },
            r => new PipeCreated(r.Long(), r.Long(), r.RequiredActorRef())),
        Of<FsDescribe>("FB", (w, m) => { w.Longs(m.Descriptions); w.Bool(m.Retain); w.Long(m.RequestId); },
            r => new FsDescribe(r.Longs(), r.Bool(), r.Long())),
        Of<Described>("FI", (w, m) => { w.List(m.Descriptions, static (w, d) => w.Description(d)); w.Long(m.RequestId); },
            r => new Described(r.List(static r => r.Description()), r.Long())),
        Of<FsProcessEnded>("FE", (w, m) => { w.Int(m.Pid); w.Longs(m.Descriptions); }, r => new FsProcessEnded(r.Int(), r.Longs())),
        Of<FsMkDir>("FM", (w, m) => w.String(m.Path), r => new FsMkDir(r.String())),
        Of<FsRmDir>("FN", (w, m) => w.String(m.Path), r => new FsRmDir(r.String())),
        Of<FsUnlink>("FK", (w, m) => w.String(m.Path), r => new FsUnlink(r.String())),
        Of<FsRename>("FV", (w, m) => { w.String(m.From); w.String(m.To); }, r => new FsRename(r.String(), r.String())),
        Of<FsStat>("FY", (w, m) => w.String(m.Path), r => new FsStat(r.String())),
        Of<FsReadDir>("FH", (w, m) => w.String(m.Path), r => new FsReadDir(r.String())),
        Of<FsProgram>("FG", (w, m) => w.String(m.Path), r => new FsProgram(r.String())),
        Of<ProgramFile>("FJ", (w, m) => w.String(m.Name), r => new ProgramFile(r.String())),
        Of<FsCheckDirectory>("FZ", (w, m) => w.String(m.Path), r => new FsCheckDirectory(r.String())),
        Of<DirectoryListing>("FX", (w, m) => w.Strings(m.Names), r => new DirectoryListing(r.Strings())),
        Of<FileStatus>("FF", (w, m) => { w.Int((int)m.Kind); w.Long(m.Size); w.Int(m.Links); },
            r => new FileStatus((FileKind)r.Int(), r.Long(), r.Int())),
    ];

    private static readonly FrozenDictionary<Type, Codec> ByType = Table.ToFrozenDictionary(c => c.Type);

    private static readonly FrozenDictionary<string, Codec> ByManifest = Table.ToFrozenDictionary(c => c.Manifest, StringComparer.Ordinal);

    /// <summary>The bound types and their manifests.</summary>
    internal static IReadOnlyDictionary<Type, string> Manifests { get; } = Table.ToFrozenDictionary(c => c.Type, c => c.Manifest);

    // Room for the pages' bytes, up to 16 MiB at first (a larger image grows its buffer).
    private static int PagesCapacity(long pages) => (int)Math.Min(pages, 4096) * PageEntryMax;

    private static DateTimeOffset Time(FrameReader r)
    {
        var utcTicks = r.Long();
        var minutes = r.Int();
        try
        {
            return new DateTimeOffset(utcTicks, TimeSpan.Zero).ToOffset(TimeSpan.FromMinutes(minutes));
        }
        catch (ArgumentException)
        {
            throw r.Malformed($"{utcTicks} ticks at an offset of {minutes} minutes is no time");
        }
    }

    private static Codec Of<T>(string manifest, Action<FrameWriter, T> write, Func<FrameReader, T> read, Func<T, int>? capacity = null)
        where T : class =>
        new Codec<T>(manifest, write, read, capacity);

    private abstract class Codec(string manifest, Type type)
    {
        public string Manifest { get; } = manifest;

        public Type Type { get; } = type;

        public abstract void Write(FrameWriter writer, object message);

        public abstract object Read(FrameReader reader);

        /// <summary>A first guess of the payload's size, so a large message is written without growing its buffer.</summary>
        public abstract int Capacity(object message);
    }

    private sealed class Codec<T>(string manifest, Action<FrameWriter, T> write, Func<FrameReader, T> read, Func<T, int>? capacity)
        : Codec(manifest, typeof(T))
        where T : class
    {
        public override void Write(FrameWriter writer, object message) => write(writer, (T)message);

        public override object Read(FrameReader reader) => read(reader);

        public override int Capacity(object message) => capacity is null ? 64 : Math.Max(64, capacity((T)message));
    }
}
