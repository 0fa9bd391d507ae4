using System.Text.RegularExpressions;
using Fork.Actors;
using Xunit;

namespace Fork.Tests;

/// <summary>The Mermaid sequence diagram of hand-made trace records, and the choice of a run's first fork.</summary>
public sealed class MermaidDiagramSpec
{
    [Fact]
    public void Participants_are_declared_by_role_then_pid_whatever_order_they_appear_in()
    {
        TraceRecord[] records =
        [
            Message(1, "pipe 3", "Core", "PipeClosed"),
            Message(2, "ForkedChild 12", "ProcessActor 2", "QuotaTransfer"),
            Message(3, "fs", "file 4", "FsWrite"),
            Message(4, "ParentService 1", "LocalRomService 1", "SessionRequest"),
            Message(5, "ForkedChild 2", "CloneService 1", "CloneSessionRequest"),
            Message(6, "Libc 2", "ProcessActor 10", "ForkRequest"),
            Message(7, "Libc 1", "ProcessActor 1", "ForkRequest"),
        ];
        string[] expected =
        [
            "participant L1 as Libc 1", "participant L2 as Libc 2",
            "participant P1 as ProcessActor 1", "participant P2 as ProcessActor 2", "participant P10 as ProcessActor 10",
            "participant FC2 as ForkedChild 2", "participant FC12 as ForkedChild 12",
            "participant CS1 as CloneService 1", "participant RS1 as LocalRomService 1", "participant PS1 as ParentService 1",
            "participant Core as Core", "participant Fs as fs", "participant x1 as file 4", "participant x2 as pipe 3",
        ];

        Assert.Equal(expected, Declarations(MermaidDiagram.Render(records)));
        Assert.Equal(expected, Declarations(MermaidDiagram.Render([.. records.Reverse()])));
    }

    [Fact]
    public void Each_message_is_one_arrow_in_sequence_order()
    {
        TraceRecord[] records =
        [
            Message(3, "ForkedChild 2", "ProcessActor 1", "ChildReady"),
            Message(1, "Libc 1", "ProcessActor 1", "ForkRequest"),
            Message(2, "ProcessActor 1", "ForkedChild 2", "ChildCreated"),
        ];

        Assert.Equal(["L1->>P1: ForkRequest", "P1->>FC2: ChildCreated", "FC2->>P1: ChildReady"], Arrows(MermaidDiagram.Render(records)));
    }

    [Fact]
    public void Replies_are_dashed_and_messages_solid()
    {
        TraceRecord[] records =
        [
            Message(1, "ProcessActor 2", "CloneService 1", "CloneContent"),
            Reply(2, "CloneService 1", "ProcessActor 2", "CloneChunk"),
        ];

        Assert.Equal(["P2->>CS1: CloneContent", "CS1-->>P2: CloneChunk"], Arrows(MermaidDiagram.Render(records)));
    }

    [Fact]
    public void A_change_of_state_is_a_note_over_the_actor()
    {
        TraceRecord[] records =
        [
            State(1, "ForkedChild 2", "StartingUp"),
            Message(2, "CloneService 1", "ForkedChild 2", "CloneClosed"),
            State(3, "ForkedChild 2", "StartingUp → Running"),
        ];

        Assert.Equal(
            ["Note over FC2: StartingUp", "CS1->>FC2: CloneClosed", "Note over FC2: StartingUp → Running"],
            Arrows(MermaidDiagram.Render(records)));
    }

    [Fact]
    public void The_label_is_the_type_and_the_fields_and_a_long_one_ends_in_an_ellipsis()
    {
        TraceRecord[] records =
        [
            Message(1, "Libc 1", "fs", "FsWrite", "FsWrite { Description = 4, Data = 10 bytes 0123456789 }"),
            Message(2, "Libc 1", "fs", "FsClose", "4"),
            Message(3, "Libc 1", "fs", "FsStat", "FsStat { Path = x }"),
        ];

        var labels = Arrows(MermaidDiagram.Render(records, maxLabel: 20)).Select(a => a[(a.IndexOf(": ", StringComparison.Ordinal) + 2)..]).ToList();

        Assert.Equal("FsWrite(Description…", labels[0]);
        Assert.Equal("FsClose 4", labels[1]);
        Assert.Equal("FsStat(Path = x)", labels[2]);
    }

    [Fact]
    public void Participant_names_are_shortened_and_escaped_too()
    {
        var diagram = MermaidDiagram.Render([Message(1, "an actor; with # a long name that goes on", "Core", "Hello")], maxLabel: 20);

        Assert.Contains("participant x1 as an actor#59; with #35; a…", diagram);
    }

    [Theory]
    [InlineData(";", "#59;")]
    [InlineData("#", "#35;")]
    [InlineData(":", "#58;")]
    [InlineData("%", "#37;")]
    [InlineData("<", "#lt;")]
    [InlineData(">", "#gt;")]
    [InlineData("&", "#amp;")]
    [InlineData("\"", "#quot;")]
    [InlineData("{", "#123;")]
    [InlineData("}", "#125;")]
    [InlineData("--", "#45;#45;")]
    [InlineData("->", "#45;#gt;")]
    [InlineData("$", "#36;")]
    [InlineData("\uFB02", "#64258;")]
    [InlineData("\u00B6", "#182;")]
    public void A_character_Mermaid_reads_as_syntax_is_written_as_its_entity_code(string special, string entity)
    {
        var records = new[] { Message(1, "Libc 1", "fs", "FsWrite", $"FsWrite a{special}b"), State(2, "fs", $"a{special}b") };

        var lines = Arrows(MermaidDiagram.Render(records));

        foreach (var line in lines)
        {
            var label = line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..];
            Assert.Contains($"a{entity}b", label);
            // Mermaid takes entity codes out before it parses a line: what is left must not hold the character.
            Assert.DoesNotContain(special, Regex.Replace(label, "#[a-z0-9]+;", ""));
        }
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\t")]
    [InlineData("\u2028")]
    [InlineData("\0")]
    public void A_line_break_or_control_character_becomes_a_space(string special)
    {
        var diagram = MermaidDiagram.Render([Message(1, "Libc 1", "fs", "FsWrite", $"FsWrite a{special}b")]);

        Assert.Equal(["sequenceDiagram", "    participant L1 as Libc 1", "    participant Fs as fs", "    L1->>Fs: FsWrite a b"], diagram.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void Participants_with_names_outside_the_protocol_are_drawn()
    {
        var diagram = MermaidDiagram.Render([Message(1, "", "Timer 7", "Tick"), Reply(2, "Timer 7", "", "Tock"), Message(3, " \n", "Timer 7", "Tick")]);

        Assert.Equal(["participant x1 as ?", "participant x2 as ?", "participant x3 as Timer 7"], Declarations(diagram));
        Assert.Equal(["x1->>x3: Tick", "x3-->>x1: Tock", "x2->>x3: Tick"], Arrows(diagram));
    }

    [Fact]
    public void No_records_draw_an_empty_diagram()
    {
        Assert.Equal("sequenceDiagram\n", MermaidDiagram.Render([]));
        Assert.Empty(MermaidDiagram.FirstFork([]));
    }

    [Fact]
    public void The_first_fork_runs_from_its_request_to_the_reply_to_the_forking_libc()
    {
        TraceRecord[] records =
        [
            Message(1, "Libc 1", "fs", "FsOpen", fork: null),
            Message(2, "Libc 1", "ProcessActor 1", "ForkRequest", fork: null),
            Message(3, "Libc 1", "ProcessActor 1", "ForkRequest", fork: "1.1"),
            Message(4, "ProcessActor 1", "ForkedChild 2", "ChildCreated", fork: "1.1"),
            Message(5, "Libc 3", "ProcessActor 3", "ForkRequest", fork: "3.1"),
            Reply(6, "fs", "ForkedChild 2", "Described", fork: "1.1"),
            Message(7, "Core", "fs", "FsOpen", fork: null),
            State(8, "ForkedChild 2", "StartingUp → Running", fork: "1.1"),
            State(9, "ForkedChild 4", "StartingUp → Running", fork: "3.1"),
            Message(10, "ForkedChild 2", "ProcessActor 1", "ChildReady", fork: "1.1"),
            Reply(11, "ProcessActor 1", "Libc 1", "LibcOk", fork: "1.1"),
            Message(12, "ForkedChild 2", "ProcessActor 1", "ChildExited", fork: "1.1"),
            Reply(13, "ProcessActor 1", "Libc 1", "LibcOk", fork: "1.1"),
        ];

        var fork = MermaidDiagram.FirstFork([.. records.Reverse()]);

        Assert.Equal([3L, 4, 6, 8, 10, 11], fork.Select(r => r.Sequence));
        Assert.Equal(MermaidDiagram.Render(fork), MermaidDiagram.Render(records, MermaidScope.FirstFork));
        Assert.Equal(MermaidDiagram.Render(fork), MermaidDiagram.RenderFirstFork(records));
        Assert.Equal(MermaidDiagram.Render(records), MermaidDiagram.Render(records, MermaidScope.Run));
    }

    [Fact]
    public void A_run_without_a_fork_has_no_first_fork()
    {
        TraceRecord[] records = [Message(1, "Libc 1", "fs", "FsOpen", fork: null), Message(2, "Libc 1", "ProcessActor 1", "ForkRequest", fork: null)];

        Assert.Empty(MermaidDiagram.FirstFork(records));
    }

    internal static TraceRecord Message(long sequence, string sender, string receiver, string type, string? text = null, string? fork = "1.1") =>
        new(sequence, TraceKind.Message, sender, receiver, "Running", type, text ?? type, fork);

    internal static TraceRecord Reply(long sequence, string sender, string receiver, string type, string? text = null, string? fork = "1.1") =>
        new(sequence, TraceKind.Reply, sender, receiver, "Running", type, text ?? type, fork);

    internal static TraceRecord State(long sequence, string actor, string change, string? fork = "1.1") =>
        new(sequence, TraceKind.State, actor, actor, change.Split(' ')[^1], "", change, fork);

    private static List<string> Declarations(string diagram) =>
        [.. Lines(diagram).Where(l => l.StartsWith("participant ", StringComparison.Ordinal))];

    private static List<string> Arrows(string diagram) =>
        [.. Lines(diagram).Skip(1).Where(l => !l.StartsWith("participant ", StringComparison.Ordinal))];

    private static IEnumerable<string> Lines(string diagram) =>
        diagram.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim());
}
