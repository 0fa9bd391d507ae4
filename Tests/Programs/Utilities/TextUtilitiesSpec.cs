using Fork.Actors.Programs.Utilities;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests.Utilities;

/// <summary>echo, cat, wc, grep, head and seq, each run in a child with its standard descriptors on pipes.</summary>
public sealed class TextUtilitiesSpec(ITestOutputHelper output) : ProgramSpec(output)
{
    private static Func<Fork.Actors.Libc, Task> Files(params (string Path, string Text)[] files) => async libc =>
    {
        foreach (var (path, text) in files) await libc.WriteFile(path, text);
    };

    [Fact]
    public async Task Echo_joins_its_arguments_with_spaces_and_ends_the_line() =>
        AssertOutcome(await RunProgram(c => Echo.Run(c, ["echo", "a", "b  c", ""])), "a b  c \n");

    [Fact]
    public async Task Echo_with_dash_n_leaves_out_the_newline_and_with_nothing_prints_an_empty_line()
    {
        AssertOutcome(await RunProgram(c => Echo.Run(c, ["echo", "-n", "x", "y"])), "x y");
        AssertOutcome(await RunProgram(c => Echo.Run(c, ["echo"])), "\n");
    }

    [Fact]
    public async Task Echo_to_a_closed_descriptor_reports_the_write_error_and_exits_1() => AssertOutcome(
        await RunProgram(async c =>
        {
            await c.CloseAsync(1);
            return await Echo.Run(c, ["echo", "lost"]);
        }),
        "", 1, "echo: write error: Bad file descriptor\n");

    [Fact]
    public async Task Cat_copies_standard_input_when_it_has_no_files() =>
        AssertOutcome(await RunProgram(c => Cat.Run(c, ["cat"]), "line one\nline two\n"), "line one\nline two\n");

    [Fact]
    public async Task Cat_copies_files_in_order_and_dash_is_standard_input() => AssertOutcome(
        await RunProgram(c => Cat.Run(c, ["cat", "/a", "-", "/b"]), "middle\n", Files(("/a", "first\n"), ("/b", "last"))),
        "first\nmiddle\nlast");

    [Fact]
    public async Task Cat_reports_a_missing_file_goes_on_and_exits_1() => AssertOutcome(
        await RunProgram(c => Cat.Run(c, ["cat", "/missing", "/a"]), setup: Files(("/a", "still here\n"))),
        "still here\n", 1, "cat: /missing: No such file or directory\n");

    [Fact]
    public async Task Cat_copies_more_than_a_pipe_holds()
    {
        var big = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i}\n"));
        var outcome = await RunProgram(c => Cat.Run(c, ["cat", "/big"]), setup: Files(("/big", big)));
        AssertOutcome(outcome, big);
    }

    [Fact]
    public async Task Wc_counts_lines_words_and_bytes_of_standard_input_as_GNU_prints_them() =>
        AssertOutcome(await RunProgram(c => Wc.Run(c, ["wc"]), "one two\n  three\t four\nfive"), "      2       5      26\n");

    [Fact]
    public async Task Wc_with_one_selected_count_prints_it_alone()
    {
        AssertOutcome(await RunProgram(c => Wc.Run(c, ["wc", "-l"]), "a\nb\nc\n"), "3\n");
        AssertOutcome(await RunProgram(c => Wc.Run(c, ["wc", "-w"]), "a b\nc\n"), "3\n");
        AssertOutcome(await RunProgram(c => Wc.Run(c, ["wc", "-c"]), "a b\nc\n"), "6\n");
        AssertOutcome(await RunProgram(c => Wc.Run(c, ["wc", "-lc"]), "a b\nc\n"), "      2       6\n");
    }

    [Fact]
    public async Task Wc_of_files_names_each_and_adds_a_total() => AssertOutcome(
        await RunProgram(c => Wc.Run(c, ["wc", "-l", "/a", "/b"]), setup: Files(("/a", "1\n2\n"), ("/b", "3\n"))),
        "      2 /a\n      1 /b\n      3 total\n");

    [Fact]
    public async Task Wc_rejects_an_unknown_option() =>
        AssertOutcome(await RunProgram(c => Wc.Run(c, ["wc", "-x"])), "", 1, "wc: invalid option -- 'x'\n");

    [Fact]
    public async Task Grep_prints_the_lines_that_contain_a_fixed_string_and_exits_0() =>
        AssertOutcome(await RunProgram(c => Grep.Run(c, ["grep", "a.c"]), "abc\nxa.cx\na.c\nnone\n"), "xa.cx\na.c\n");

    [Fact]
    public async Task Grep_exits_1_when_nothing_matched() =>
        AssertOutcome(await RunProgram(c => Grep.Run(c, ["grep", "zzz"]), "abc\n"), "", 1);

    [Fact]
    public async Task Grep_v_inverts_and_c_counts()
    {
        AssertOutcome(await RunProgram(c => Grep.Run(c, ["grep", "-v", "b"]), "abc\nxyz\nb\nq"), "xyz\nq\n");
        AssertOutcome(await RunProgram(c => Grep.Run(c, ["grep", "-c", "b"]), "abc\nxyz\nb\n"), "2\n");
        AssertOutcome(await RunProgram(c => Grep.Run(c, ["grep", "-vc", "b"]), "abc\nxyz\nb\n"), "1\n");
        AssertOutcome(await RunProgram(c => Grep.Run(c, ["grep", "-c", "q"]), "abc\n"), "0\n", 1);
    }

    [Fact]
    public async Task Grep_prefixes_lines_with_the_file_name_when_it_searches_several() => AssertOutcome(
        await RunProgram(c => Grep.Run(c, ["grep", "x", "/a", "/b"]), setup: Files(("/a", "x1\ny\n"), ("/b", "x2\n"))),
        "/a:x1\n/b:x2\n");

    [Fact]
    public async Task Grep_without_a_pattern_or_with_an_unknown_option_is_a_usage_error_with_status_2()
    {
        AssertOutcome(await RunProgram(c => Grep.Run(c, ["grep"])), "", 2, "usage: grep [-vc] PATTERN [FILE...]\n");
        AssertOutcome(await RunProgram(c => Grep.Run(c, ["grep", "-q", "x"])), "", 2, "usage: grep [-vc] PATTERN [FILE...]\n");
    }

    [Fact]
    public async Task Grep_of_a_missing_file_is_status_2() =>
        AssertOutcome(await RunProgram(c => Grep.Run(c, ["grep", "x", "/nope"])), "", 2, "grep: /nope: No such file or directory\n");

    [Fact]
    public async Task Head_prints_the_first_ten_lines_by_default()
    {
        var lines = string.Concat(Enumerable.Range(1, 15).Select(i => $"{i}\n"));
        AssertOutcome(await RunProgram(c => Head.Run(c, ["head"]), lines), string.Concat(Enumerable.Range(1, 10).Select(i => $"{i}\n")));
    }

    [Fact]
    public async Task Head_n_prints_that_many_lines_in_each_spelling()
    {
        AssertOutcome(await RunProgram(c => Head.Run(c, ["head", "-n", "2"]), "a\nb\nc\n"), "a\nb\n");
        AssertOutcome(await RunProgram(c => Head.Run(c, ["head", "-n1"]), "a\nb\nc\n"), "a\n");
        AssertOutcome(await RunProgram(c => Head.Run(c, ["head", "-3", "/f"]), setup: Files(("/f", "1\n2\n3\n4\n"))), "1\n2\n3\n");
        AssertOutcome(await RunProgram(c => Head.Run(c, ["head", "-n", "5"]), "short\nlast without newline"), "short\nlast without newline");
    }

    [Fact]
    public async Task Head_rejects_a_bad_count() =>
        AssertOutcome(await RunProgram(c => Head.Run(c, ["head", "-n", "x"])), "", 1, "head: invalid number of lines\n");

    [Fact]
    public async Task Seq_counts_from_1_or_from_first_by_an_increment()
    {
        AssertOutcome(await RunProgram(c => Seq.Run(c, ["seq", "3"])), "1\n2\n3\n");
        AssertOutcome(await RunProgram(c => Seq.Run(c, ["seq", "-1", "1"])), "-1\n0\n1\n");
        AssertOutcome(await RunProgram(c => Seq.Run(c, ["seq", "10", "-4", "1"])), "10\n6\n2\n");
        AssertOutcome(await RunProgram(c => Seq.Run(c, ["seq", "5", "1"])), "");
    }

    [Fact]
    public async Task Seq_writes_a_long_sequence_whole()
    {
        var outcome = await RunProgram(c => Seq.Run(c, ["seq", "100000"]));
        Assert.Equal(string.Concat(Enumerable.Range(1, 100_000).Select(i => $"{i}\n")), outcome.Stdout);
    }

    [Fact]
    public async Task Seq_rejects_what_is_not_an_integer_and_a_zero_increment()
    {
        AssertOutcome(await RunProgram(c => Seq.Run(c, ["seq", "x"])), "", 1, "seq: invalid argument\n");
        AssertOutcome(await RunProgram(c => Seq.Run(c, ["seq"])), "", 1, "seq: missing operand\n");
        AssertOutcome(await RunProgram(c => Seq.Run(c, ["seq", "1", "0", "3"])), "", 1, "seq: invalid Zero increment value: '0'\n");
    }
}
