using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// Reads what <see cref="FrameWriter"/> wrote. A frame that ends early, or claims more items or bytes than it holds, is a
/// <see cref="SerializationException"/>, never a huge allocation or a silent default.
/// </summary>
internal sealed class FrameReader(byte[] frame, int start, ExtendedActorSystem system, string manifest)
{
    private int _at = start;

    public bool AtEnd => _at == frame.Length;

    private int Remaining => frame.Length - _at;

    public byte Byte()
    {
        if (_at >= frame.Length) throw Truncated();
        return frame[_at++];
    }

    public bool Bool() => Byte() switch
    {
        0 => false,
        1 => true,
        var other => throw Malformed($"{other} is no boolean"),
    };

    public ulong UInt()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = Byte();
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }

        throw Malformed("a number runs past 64 bits");
    }

    public int Int()
    {
        var raw = UInt();
        if (raw > uint.MaxValue) throw Malformed("a number runs past 32 bits");
        var value = (uint)raw;
        return (int)(value >> 1) ^ -(int)(value & 1);
    }

    public long Long()
    {
        var value = UInt();
        return (long)(value >> 1) ^ -(long)(value & 1);
    }

    /// <summary>A count of items or bytes, checked against what is left of the frame (each item is at least a byte).</summary>
    public int Count()
    {
        var count = UInt();
        if (count > (ulong)Remaining) throw Malformed($"a count of {count} exceeds the {Remaining} bytes left");
        return (int)count;
    }

    public string String()
    {
        var header = UInt();
        var utf16 = (header & 1) != 0;
        var length = header >> 1;
        if (length > (ulong)Remaining) throw Malformed($"a string of {length} bytes exceeds the {Remaining} bytes left");
        var span = Take((int)length);
        if (!utf16)
        {
            try
            {
                return FrameWriter.StrictUtf8.GetString(span);
            }
            catch (DecoderFallbackException e)
            {
                throw Malformed($"a string is not UTF-8 ({e.Message})");
            }
        }

        if (span.Length % 2 != 0) throw Malformed("a UTF-16 string has an odd byte count");
        return string.Create(span.Length / 2, frame.AsMemory(_at - span.Length, span.Length), static (chars, bytes) =>
        {
            var source = bytes.Span;
            for (var i = 0; i < chars.Length; i++) chars[i] = (char)(source[2 * i] | source[2 * i + 1] << 8);
        });
    }

    public string? NullableString() => Bool() ? String() : null;

    public byte[] Bytes() => Take(Count()).ToArray();

    /// <summary>The actor at a serialized path (dead letters when it is gone); null for "".</summary>
    public IActorRef? ActorRef()
    {
        var path = String();
        return path.Length == 0 ? null : system.Provider.ResolveActorRef(path);
    }

    /// <summary>An actor reference the record does not allow to be null.</summary>
    public IActorRef RequiredActorRef() => ActorRef() ?? throw Malformed("a required actor reference is missing");

    public IReadOnlyList<string> Strings() => List(static r => r.String());

    public IReadOnlyList<long> Longs() => List(static r => r.Long());

    public IReadOnlyList<T> List<T>(Func<FrameReader, T> read)
    {
        var count = Count();
        if (count == 0) return [];
        var items = new T[count];
        for (var i = 0; i < count; i++) items[i] = read(this);
        return items;
    }

    public Quota Quota() => new(Long(), Int());

    public WaitStatus Status() => new(Int());

    public ResourceUsage Usage() => new(TimeSpan.FromTicks(Long()), TimeSpan.FromTicks(Long()), Long());

    public InheritedDescriptor Descriptor() => new(Int(), Long(), Bool(), ActorRef());

    public DescriptionInfo Description() => new(Long(), String(), (OpenFlags)Int(), Long());

    public ProgramEntry Program() => new(String(), null);

    /// <summary>A chunk of memory: its pages rebuilt as a snapshot of their own (each page copied out of the frame).</summary>
    public MemoryChunk Chunk()
    {
        var at = UInt();
        var size = Long();
        var pageCount = UInt();
        if (pageCount > long.MaxValue) throw Malformed($"a chunk spans {pageCount} pages");
        var present = Count();
        var pages = new (long Index, ReadOnlyMemory<byte> Page)[present];
        long next = 0;
        for (var i = 0; i < present; i++)
        {
            var gap = UInt();
            if (gap >= pageCount || (ulong)next + gap >= pageCount) throw Malformed($"a page lies outside a chunk of {pageCount} pages");
            var index = next + (long)gap;
            var length = Count();
            if (length is 0 or > MemoryImage.PageSize) throw Malformed($"page {index} has {length} bytes (1 to {MemoryImage.PageSize})");
            pages[i] = (index, Take(length).ToArray());
            next = index + 1;
        }

        return new MemoryChunk(at, size, PageSnapshot.FromPages((long)pageCount, pages));
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length > Remaining) throw Truncated();
        var span = frame.AsSpan(_at, length);
        _at += length;
        return span;
    }

    public SerializationException Malformed(string problem) => new($"Malformed Fork frame \"{manifest}\": {problem}.");

    private SerializationException Truncated() => new($"Malformed Fork frame \"{manifest}\": it ends early, at byte {frame.Length}.");
}
