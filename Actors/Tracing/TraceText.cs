using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// A message as one readable line of the trace: <c>Type { Field = value, ... }</c>, with byte payloads as their length
/// and a short escaped preview (<c>10 bytes "0123456789"</c>), collections by count, actors by the name the trace knows
/// them by, and long or multi-line text shortened and escaped. Only used while the trace is on.
/// </summary>
internal static class TraceText
{
    private const int TextLimit = 100;
    private const int BytesPreview = 16;

    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Fields = new();

    // The answers to a request: drawn as dashed arrows.
    private static readonly HashSet<Type> Replies =
    [
        typeof(LibcOk), typeof(LibcError), typeof(DataRead), typeof(DescriptionOpened), typeof(PipeCreated), typeof(Described),
        typeof(DirectoryListing), typeof(FileStatus), typeof(ProgramFile), typeof(SessionGranted), typeof(SessionDenied),
        typeof(RomDataspace), typeof(CloneChunk), typeof(MemoryChunk), typeof(DescriptorsChunk), typeof(CloneRefused), typeof(PidAllocated), typeof(PidRefused),
        typeof(ResourceGranted), typeof(ResourceDenied), typeof(TimerFired), typeof(RtcTime), typeof(Interrupted),
        typeof(SignalSent), typeof(Adopted), typeof(WaitResult), typeof(ProcessSpawned), typeof(SpawnRefused),
    ];

    public static bool IsReply(object message) => Replies.Contains(message.GetType());

    /// <summary>The message on one line; <paramref name="nameOf"/> names an actor reference.</summary>
    public static string Format(object message, Func<IActorRef, string> nameOf)
    {
        var text = new StringBuilder();
        AppendRecord(text, message, nameOf, depth: 0);
        return text.ToString();
    }

    private static void AppendRecord(StringBuilder text, object value, Func<IActorRef, string> nameOf, int depth)
    {
        var type = value.GetType();
        var fields = Fields.GetOrAdd(type, static t =>
            [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0)]);
        text.Append(type.Name);
        if (fields.Length == 0) return;
        text.Append(" { ");
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0) text.Append(", ");
            text.Append(fields[i].Name).Append(" = ");
            AppendValue(text, fields[i].GetValue(value), nameOf, depth);
        }

        text.Append(" }");
    }

    private static void AppendValue(StringBuilder text, object? value, Func<IActorRef, string> nameOf, int depth)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                break;
            case string s:
                AppendString(text, s);
                break;
            case byte[] bytes:
                AppendBytes(text, bytes);
                break;
            case ReadOnlyMemory<byte> memory:
                AppendBytes(text, memory.Span);
                break;
            case Memory<byte> memory:
                AppendBytes(text, memory.Span);
                break;
            case IActorRef actor:
                text.Append(nameOf(actor));
                break;
            case Delegate d:
                text.Append(d.Method.Name);
                break;
            case ICollection collection:
                text.Append('[').Append(collection.Count).Append(collection.Count == 1 ? " item]" : " items]");
                break;
            case IEnumerable sequence when value.GetType().IsGenericType || value.GetType().IsArray:
                var count = sequence.Cast<object?>().Count();
                text.Append('[').Append(count).Append(count == 1 ? " item]" : " items]");
                break;
            default:
                if (depth == 0 && IsPlainRecord(value.GetType())) AppendRecord(text, value, nameOf, depth + 1);
                else text.Append(Escape(value.ToString() ?? "", TextLimit));
                break;
        }
    }

    /// <summary>A record that prints itself with the compiler's members (not one with a ToString of its own).</summary>
    private static bool IsPlainRecord(Type type) =>
        type.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Instance) is { } print
        && print.IsDefined(typeof(CompilerGeneratedAttribute))
        && type.GetMethod(nameof(ToString), Type.EmptyTypes) is { } toString && toString.IsDefined(typeof(CompilerGeneratedAttribute));

    private static void AppendString(StringBuilder text, string s)
    {
        var plain = s.Length is > 0 and <= TextLimit && s.All(c => char.IsLetterOrDigit(c) || c is '.' or '/' or '-' or '_' or '>' or ' ');
        if (plain && !s.StartsWith(' ') && !s.EndsWith(' ')) text.Append(s);
        else text.Append('"').Append(Escape(s, TextLimit)).Append('"');
    }

    private static void AppendBytes(StringBuilder text, ReadOnlySpan<byte> bytes)
    {
        text.Append(bytes.Length).Append(bytes.Length == 1 ? " byte" : " bytes");
        if (bytes.Length == 0) return;
        text.Append(" \"");
        foreach (var b in bytes[..Math.Min(bytes.Length, BytesPreview)])
        {
            switch (b)
            {
                case (byte)'\n': text.Append("\\n"); break;
                case (byte)'\t': text.Append("\\t"); break;
                case (byte)'\r': text.Append("\\r"); break;
                case (byte)'"': text.Append("\\\""); break;
                case (byte)'\\': text.Append("\\\\"); break;
                case >= 0x20 and < 0x7f: text.Append((char)b); break;
                default: text.Append("\\x").Append(b.ToString("x2")); break;
            }
        }

        text.Append(bytes.Length > BytesPreview ? "\"…" : "\"");
    }

    /// <summary><paramref name="s"/> on one line: control characters and quotes escaped, cut to <paramref name="limit"/>.</summary>
    public static string Escape(string s, int limit)
    {
        var text = new StringBuilder(Math.Min(s.Length, limit) + 8);
        foreach (var c in s)
        {
            if (text.Length >= limit)
            {
                text.Append('…');
                break;
            }

            switch (c)
            {
                case '\n': text.Append("\\n"); break;
                case '\t': text.Append("\\t"); break;
                case '\r': text.Append("\\r"); break;
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case < ' ': text.Append("\\x").Append(((int)c).ToString("x2")); break;
                default: text.Append(c); break;
            }
        }

        return text.ToString();
    }
}
