using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Fork.Actors;

/// <summary>Which trace records a diagram draws.</summary>
public enum MermaidScope
{
    /// <summary>The first fork of the run, from its <c>ForkRequest</c> to its return in the parent (<see cref="MermaidDiagram.FirstFork"/>).</summary>
    FirstFork,

    /// <summary>Every record of the run.</summary>
    Run,
}

/// <summary>
/// Draws recorded <see cref="TraceRecord"/>s as a Mermaid <c>sequenceDiagram</c>: one participant per actor, declared in
/// the order of the fork protocol, one arrow per message received (replies dashed) and a note per change of state.
/// </summary>
public static partial class MermaidDiagram
{
    // The protocol's roles in the order a fork meets them; the short ids keep the diagram's source readable.
    private static readonly string[] Roles = ["Libc", "ProcessActor", "ForkedChild", "CloneService", "LocalRomService", "ParentService", "Core", "fs"];
    private static readonly string[] Ids = ["L", "P", "FC", "CS", "RS", "PS", "Core", "Fs"];

    /// <summary>
    /// The sequence diagram of <paramref name="records"/>: participants first, then one line per record in
    /// <see cref="TraceRecord.Sequence"/> order. Labels longer than <paramref name="maxLabel"/> characters are cut with an
    /// ellipsis, and every character Mermaid reads as syntax is written as an entity code, so any text renders.
    /// </summary>
    public static string Render(IReadOnlyList<TraceRecord> records, int maxLabel = 60)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLabel, 1);
        var participants = Participants(records);
        var ids = participants.ToDictionary(p => p.Name, p => p.Id);
        var diagram = new StringBuilder("sequenceDiagram\n");
        foreach (var (name, id) in participants)
        {
            var label = Shorten(name, maxLabel);
            diagram.Append($"    participant {id} as {(label.Length == 0 ? "?" : Escape(label))}\n");
        }

        foreach (var record in records.OrderBy(r => r.Sequence))
        {
            var line = record.Kind switch
            {
                TraceKind.State => $"Note over {ids[record.Receiver]}: ",
                TraceKind.Reply => $"{ids[record.Sender]}-->>{ids[record.Receiver]}: ",
                _ => $"{ids[record.Sender]}->>{ids[record.Receiver]}: ",
            };
            diagram.Append("    ").Append(line).Append(Escape(Shorten(Label(record), maxLabel))).Append('\n');
        }

        return diagram.ToString();
    }

    /// <summary>The diagram of the whole run or of its first fork only.</summary>
    public static string Render(IReadOnlyList<TraceRecord> records, MermaidScope scope, int maxLabel = 60) =>
        Render(scope == MermaidScope.FirstFork ? FirstFork(records) : records, maxLabel);

    /// <summary>The diagram of the first fork of the run (<see cref="FirstFork"/>).</summary>
    public static string RenderFirstFork(IReadOnlyList<TraceRecord> records, int maxLabel = 60) => Render(FirstFork(records), maxLabel);

    /// <summary>
    /// The first fork of a run: from the first <c>ForkRequest</c> message that has a fork id, the records of that fork, in
    /// <see cref="TraceRecord.Sequence"/> order, up to and including the first reply to the request's sender (the fork's
    /// return in the parent). Empty if the run made no fork.
    /// </summary>
    public static IReadOnlyList<TraceRecord> FirstFork(IReadOnlyList<TraceRecord> records)
    {
        var ordered = records.OrderBy(r => r.Sequence).ToList();
        var start = ordered.FindIndex(r => r is { Kind: TraceKind.Message, MessageType: "ForkRequest", Fork: not null });
        if (start < 0) return [];

        var request = ordered[start];
        var fork = new List<TraceRecord>();
        foreach (var record in ordered.Skip(start).Where(r => r.Fork == request.Fork))
        {
            fork.Add(record);
            if (record.Kind == TraceKind.Reply && record.Receiver == request.Sender) break;
        }

        return fork;
    }

    /// <summary>Every participant with its diagram id, in declaration order: by role, then by pid.</summary>
    private static List<(string Name, string Id)> Participants(IReadOnlyList<TraceRecord> records)
    {
        var names = records.SelectMany(r => new[] { r.Sender, r.Receiver }).Distinct()
            .Select(name => (Name: name, Key: RoleAndPid(name)))
            .OrderBy(p => p.Key.Rank).ThenBy(p => p.Key.Role, StringComparer.Ordinal).ThenBy(p => p.Key.Pid).ThenBy(p => p.Name, StringComparer.Ordinal);
        var ids = new List<(string Name, string Id)>();
        var taken = new HashSet<string>();
        var others = 0;
        foreach (var (name, key) in names)
        {
            // Names outside the protocol's roles (files, pipes, anything) get x1, x2, ...: an id Mermaid cannot misread.
            var id = key.Rank < Roles.Length ? Ids[key.Rank] + (key.Pid >= 0 ? key.Pid.ToString(CultureInfo.InvariantCulture) : "") : "";
            if (id.Length == 0 || !taken.Add(id)) id = $"x{++others}";
            ids.Add((name, id));
        }

        return ids;
    }

    private static (int Rank, string Role, long Pid) RoleAndPid(string name)
    {
        var space = name.LastIndexOf(' ');
        var (role, pid) = space > 0 && long.TryParse(name.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            ? (name[..space], p)
            : (name, -1L);
        var rank = Array.IndexOf(Roles, role);
        return (rank < 0 ? Roles.Length : rank, role, pid);
    }

    /// <summary>
    /// The message's type and its fields, as a call (<c>ChildReady(Pid = 2, …)</c>: a record's braces would each cost an
    /// entity code), or the change of state.
    /// </summary>
    private static string Label(TraceRecord record)
    {
        var text = record.Text;
        if (!text.StartsWith(record.MessageType, StringComparison.Ordinal)) return $"{record.MessageType} {text}";
        var fields = text.AsSpan(record.MessageType.Length);
        return fields is [' ', '{', ' ', .., ' ', '}'] ? $"{record.MessageType}({fields[3..^2]})" : text;
    }

    /// <summary>The text on one line, cut to <paramref name="max"/> characters, the last being an ellipsis.</summary>
    private static string Shorten(string text, int max)
    {
        var line = Blanks().Replace(text, " ").Trim();
        if (line.Length <= max) return line;
        var cut = max - 1;
        if (cut > 0 && char.IsHighSurrogate(line[cut - 1])) cut--;
        return line[..cut].TrimEnd() + "…";
    }

    /// <summary>Line breaks, tabs and other control characters, in runs.</summary>
    [GeneratedRegex(@"[\s\p{Cc}]+")]
    private static partial Regex Blanks();

    /// <summary>
    /// The text with each character Mermaid reads as syntax written as an entity code (<c>#59;</c>), which it renders
    /// as the character: <c>;</c> and a line break end a statement, <c>#</c> starts a comment or a code, <c>%</c> a
    /// directive, <c>&lt; &gt; &amp;</c> are HTML, <c>$$</c> is math, <c>{ } " :</c> and <c>--</c> or <c>-&gt;</c> are
    /// diagram syntax; ﬂ and ¶ are what Mermaid replaces entity codes by while it parses.
    /// </summary>
    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var code = c switch
            {
                ';' => "#59;",
                '#' => "#35;",
                ':' => "#58;",
                '%' => "#37;",
                '<' => "#lt;",
                '>' => "#gt;",
                '&' => "#amp;",
                '"' => "#quot;",
                '{' => "#123;",
                '}' => "#125;",
                '-' => "#45;",
                '$' => "#36;",
                '\uFB02' => "#64258;",
                '\u00B6' => "#182;",
                _ => null,
            };
            if (code is null) escaped.Append(c);
            else escaped.Append(code);
        }

        return escaped.ToString();
    }
}
