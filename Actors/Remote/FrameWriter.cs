using System.Buffers;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// Writes the fields of one message for <see cref="ForkSerializer"/>: signed numbers zigzag-encoded as varints (a small
/// or slightly negative number is one byte), unsigned ones (addresses, counts, lengths) as plain varints, enums as their
/// int, strings as UTF-8 with their byte count, byte arrays and collections as count + items, actor references as their
/// serialized path ("" for none).
/// </summary>
internal sealed class FrameWriter
{
    private readonly ArrayBufferWriter<byte> _buffer;

    public FrameWriter(int capacity = 64) => _buffer = new ArrayBufferWriter<byte>(capacity);

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    public int Length => _buffer.WrittenCount;

    public void Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    public void Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

    public void UInt(ulong value)
    {
        var span = _buffer.GetSpan(10);
        var at = 0;
        while (value >= 0x80)
        {
            span[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[at++] = (byte)value;
        _buffer.Advance(at);
    }

    public void Int(int value) => UInt((uint)((value << 1) ^ (value >> 31)));

    public void Long(long value) => UInt((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>A count or a length: never negative.</summary>
    public void Count(int count) => UInt((uint)count);

    /// <summary>
    /// A string: (byte count × 2) then its UTF-8 bytes. A string that is not well-formed UTF-16 (a lone surrogate, which
    /// UTF-8 cannot hold) goes as its UTF-16 code units instead, with (byte count × 2 + 1), so every .NET string survives.
    /// </summary>
    public void String(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int count;
        try
        {
            count = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException)
        {
            var units = value.Length * 2;
            UInt(((ulong)units << 1) | 1);
            var raw = _buffer.GetSpan(units);
            for (var i = 0; i < value.Length; i++)
            {
                raw[2 * i] = (byte)value[i];
                raw[2 * i + 1] = (byte)(value[i] >> 8);
            }

            _buffer.Advance(units);
            return;
        }

        UInt((ulong)count << 1);
        _buffer.Advance(StrictUtf8.GetBytes(value, _buffer.GetSpan(count)));
    }

    /// <summary>A string that may be null: a presence byte first.</summary>
    public void NullableString(string? value)
    {
        Bool(value is not null);
        if (value is not null) String(value);
    }

    public void Bytes(ReadOnlySpan<byte> value)
    {
        Count(value.Length);
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
    }

    /// <summary>An actor reference as its serialized path (with this node's address); "" for none.</summary>
    public void ActorRef(IActorRef? actor) =>
        String(actor is null ? "" : Akka.Serialization.Serialization.SerializedActorPath(actor));

    public void Strings(IReadOnlyList<string> values)
    {
        Count(values.Count);
        foreach (var value in values) String(value);
    }

    public void Longs(IReadOnlyList<long> values)
    {
        Count(values.Count);
        foreach (var value in values) Long(value);
    }

    public void List<T>(IReadOnlyList<T> values, Action<FrameWriter, T> write)
    {
        Count(values.Count);
        foreach (var value in values) write(this, value);
    }

    public void Quota(Quota quota)
    {
        Long(quota.Ram);
        Int(quota.Caps);
    }

    public void Status(WaitStatus status) => Int(status.Raw);

    public void Usage(ResourceUsage usage)
    {
        Long(usage.UserTime.Ticks);
        Long(usage.SystemTime.Ticks);
        Long(usage.MaxResidentBytes);
    }

    public void Descriptor(InheritedDescriptor descriptor)
    {
        Int(descriptor.Fd);
        Long(descriptor.Description);
        Bool(descriptor.CloseOnExec);
        ActorRef(descriptor.Server);
    }

    public void Description(DescriptionInfo info)
    {
        Long(info.Description);
        String(info.Path);
        Int((int)info.Flags);
        Long(info.Offset);
    }

    /// <summary>A program by its name; a local delegate (a closure's state, this node's code) cannot go.</summary>
    public void Program(ProgramEntry entry)
    {
        if (entry.Local is not null)
        {
            throw new SerializationException(
                $"The program entry \"{entry.Name}\" holds a local delegate: a closure cannot cross nodes; only a program registered by name can run on another node.");
        }

        String(entry.Name);
    }

    /// <summary>
    /// A chunk of memory with the bytes of the pages that were written: its place and size, the pages it spans, how many
    /// are present, then each present page as the gap from the previous one, its length and its bytes.
    /// </summary>
    public void Chunk(MemoryChunk chunk)
    {
        UInt(chunk.At);
        Long(chunk.Size);
        var pages = chunk.Pages;
        UInt((ulong)pages.PageCount);
        UInt((ulong)pages.PresentPages);
        long next = 0;
        foreach (var (index, bytes) in pages.Present())
        {
            UInt((ulong)(index - next));
            Bytes(bytes.Span);
            next = index + 1;
        }
    }

    /// <summary>UTF-8 that refuses what it cannot encode (a lone surrogate) instead of replacing it.</summary>
    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
