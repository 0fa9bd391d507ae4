using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fork.Actors;
using Xunit;
using static Fork.Tests.MermaidDiagramSpec;

namespace Fork.Tests;

/// <summary>
/// Rendered diagrams go through Mermaid's own parser (<c>Tests/Tracing/mermaid/check.mjs</c>, run by Node). Skipped
/// where Node is missing or <c>npm ci</c> has not been run in that folder.
/// </summary>
public sealed class MermaidParserSpec
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task A_diagram_with_every_special_character_in_its_labels_parses()
    {
        const string specials = "; # : % < > & \" ' { } -- -> ->> --> -x () + $$x$$ #59; #lt; &lt; %%{init: {}}%% ﬂ°x¶ß ` \\ | [ ] , @ end loop \n\r\t\0 wrap: →😀";
        TraceRecord[] records =
        [
            Message(1, "Libc 1", "ProcessActor 1", "ForkRequest", $"ForkRequest {specials}"),
            Reply(2, "ProcessActor 1", "Libc 1", "LibcOk", specials),
            Message(3, $"end {specials}", "loop", "", specials),
            Message(4, "note", "participant", "wrap:", ""),
            State(5, "ForkedChild 2", specials),
            Message(6, "ForkedChild 2", "ForkedChild 2", "Self", "Self"),
        ];

        var diagrams = new[] { MermaidDiagram.Render(records, maxLabel: 500), MermaidDiagram.Render(records, maxLabel: 8) };

        var (code, output) = await Check([], diagrams);

        Assert.True(code == 0, $"{output}\n{string.Join("\n", diagrams)}");
    }

    [SkippableFact]
    public async Task Random_text_in_every_field_parses_and_reads_back_as_written()
    {
        const string alphabet = "ab ;#:%<>&\"'{}-+()$,@\\|`\n\r\t\0ﬂ°¶ß→éx";
        var random = new Random(20240617);
        string Text(int length) => new([.. Enumerable.Range(0, random.Next(length)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
        var records = Enumerable.Range(1, 300).Select(i =>
        {
            var type = Text(10);
            return new TraceRecord(i, (TraceKind)random.Next(3), Text(12), Text(12), "Running", type, $"{type} {Text(80)}", null);
        }).ToList();
        var diagram = MermaidDiagram.Render(records, maxLabel: 1000);

        var (code, output) = await Check(["--texts"], diagram, MermaidDiagram.Render(records, maxLabel: 5));

        Assert.True(code == 0, $"{output}\n{diagram}");
        var shown = JsonDocument.Parse(output.Split('\n')[1]).RootElement;
        Assert.Equal(
            records.SelectMany(r => new[] { r.Sender, r.Receiver }).Distinct().Select(Shown).Select(n => n.Length == 0 ? "?" : n).Order(StringComparer.Ordinal),
            shown.GetProperty("participants").EnumerateArray().Select(p => p.GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(records.Select(r => Shown(r.Text)), shown.GetProperty("messages").EnumerateArray().Select(m => m.GetString()));
    }

    [SkippableFact]
    public async Task A_realistic_fork_and_an_empty_run_parse()
    {
        var fork = MermaidDiagram.RenderFirstFork(TestForkFirstFork());

        var (code, output) = await Check(["--texts"], fork, MermaidDiagram.Render([]));

        Assert.True(code == 0, $"{output}\n{fork}");
        Assert.Equal(2, output.Split('\n').Count(l => l.EndsWith(": ok", StringComparison.Ordinal)));
        var messages = JsonDocument.Parse(output.Split('\n')[1]).RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Equal(20, messages.Count);
        Assert.Contains("RomDataspace(Name = binary, Content = \"ELF test-fork\")", messages);
        Assert.Contains("SessionRequest(Service = LOG, Label = <test-fork>)", messages);
    }

    [SkippableFact]
    public async Task A_broken_diagram_fails_the_check()
    {
        var (code, output) = await Check([], MermaidDiagram.Render(TestForkFirstFork()), "sequenceDiagram\n    L1->>P1: a; b\n    L1->>P1 c\n");

        Assert.NotEqual(0, code);
        Assert.Contains(": ok", output);
        Assert.Contains("Parse error", output);
    }

    /// <summary>test-fork's first fork as the runtime records it.</summary>
    [SkippableFact]
    public async Task Every_diagram_of_the_readme_parses()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(HostProcess.RepositoryRoot(), "README.md"));
        var diagrams = Regex.Matches(readme, "```mermaid\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToArray();

        var (code, output) = await Check([], diagrams);

        Assert.True(diagrams.Length >= 2, "README has the actors' flowchart and the first fork's sequence diagram");
        Assert.True(code == 0, output);
    }

    private static TraceRecord[] TestForkFirstFork()
    {
        var sequence = 10L;
        TraceRecord M(string from, string to, string type, string text) => Message(++sequence, from, to, type, text);
        TraceRecord R(string from, string to, string type, string text) => Reply(++sequence, from, to, type, text);
        return
        [
            Message(1, "Libc 1", "fs", "FsOpen", "FsOpen { Path = /tmp/out, Flags = O_WRONLY | O_CREAT }", fork: null),
            M("Libc 1", "ProcessActor 1", "ForkRequest", "ForkRequest { Child = TestFork.Child (local), Image = ForkImage { Regions = 5, Args = 1, Cwd = / } }"),
            M("ProcessActor 1", "ForkedChild 2", "ChildCreated", "ChildCreated { Child = ProcessActor 2 }"),
            M("ForkedChild 2", "fs", "FsDescribe", "FsDescribe { Descriptors = 3, Retain = True }"),
            M("ForkedChild 2", "ProcessActor 2", "QuotaTransfer", "QuotaTransfer { Quota = Quota { Ram = 2500000, Caps = 100 } }"),
            M("ProcessActor 2", "ForkedChild 2", "SessionRequest", "SessionRequest { Service = ROM, Label = config }"),
            M("ProcessActor 1", "CloneService 1", "PrepareClone", "PrepareClone { Pid = 2, Image = ForkImage { Regions = 5 }, Descriptors = 3 }"),
            R("fs", "ForkedChild 2", "Described", "Described { Descriptors = 3 }"),
            M("ProcessActor 2", "CloneService 1", "CloneSessionRequest", "CloneSessionRequest { Pid = 2 }"),
            R("CloneService 1", "ProcessActor 2", "SessionGranted", "SessionGranted { Service = Clone }"),
            M("ProcessActor 2", "LocalRomService 1", "SessionRequest", "SessionRequest { Service = ROM, Label = binary }"),
            R("LocalRomService 1", "ProcessActor 2", "RomDataspace", "RomDataspace { Name = binary, Content = \"ELF test-fork\" }"),
            M("ProcessActor 2", "ParentService 1", "SessionRequest", "SessionRequest { Service = LOG, Label = <test-fork> }"),
            M("ParentService 1", "Core", "SessionRequest", "SessionRequest { Service = LOG, Label = <test-fork> }"),
            R("Core", "ProcessActor 2", "SessionGranted", "SessionGranted { Service = LOG }"),
            M("ProcessActor 2", "CloneService 1", "CloneContent", "CloneContent"),
            R("CloneService 1", "ProcessActor 2", "CloneChunk", "CloneChunk { Regions = 5, Pages = 12, Descriptors = 3 }"),
            M("CloneService 1", "ForkedChild 2", "CloneClosed", "CloneClosed"),
            State(++sequence, "ForkedChild 2", "StartingUp → Running"),
            M("ForkedChild 2", "ProcessActor 1", "ChildReady", "ChildReady { Pid = 2, Quota = Quota { Ram = 12288, Caps = 2 } }"),
            R("ProcessActor 1", "Libc 1", "LibcOk", "LibcOk { Value = 2 }"),
            M("Libc 1", "file 4", "FsWrite", "FsWrite { Description = 4, Data = 10 bytes \"0123456789\" }"),
        ];
    }

    /// <summary>A text as the diagram shows it: on one line, its blanks one space.</summary>
    private static string Shown(string text) => Regex.Replace(text, @"[\s\p{Cc}]+", " ").Trim();

    /// <summary>Runs <c>node check.mjs</c> on the diagrams: its exit code and what it printed.</summary>
    private static async Task<(int Code, string Output)> Check(string[] options, params string[] diagrams)
    {
        var folder = Path.Combine(HostProcess.RepositoryRoot(), "Tests", "Tracing", "mermaid");
        var node = Node();
        Skip.If(node is null, "node is not on PATH: install Node.js to parse the diagrams with Mermaid");
        Skip.If(!Directory.Exists(Path.Combine(folder, "node_modules")), "node_modules missing: run npm ci in Tests/Tracing/mermaid");

        var temp = Directory.CreateTempSubdirectory("mermaid-");
        try
        {
            var files = diagrams.Select((d, i) => Path.Combine(temp.FullName, $"diagram{i + 1}.mmd")).ToList();
            for (var i = 0; i < diagrams.Length; i++) await File.WriteAllTextAsync(files[i], diagrams[i]);

            var start = new ProcessStartInfo(node!, ["check.mjs", .. options, .. files])
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(Timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"node check.mjs did not finish within {Timeout.TotalSeconds} s");
            }

            return (process.ExitCode, await output + await error);
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }

    private static string? Node() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, OperatingSystem.IsWindows() ? "node.exe" : "node"))
            .FirstOrDefault(File.Exists);
}
