using Fork.Actors.Programs.Shell;
using Xunit;

namespace Fork.Tests.Shell;

/// <summary>The shell's tokens (XCU 2.3): words and their quoting, every operator, IO numbers, comments, and errors.</summary>
public sealed class TokenizerSpec
{
    private static IReadOnlyList<Token> Tokens(string text) => Tokenizer.Tokenize(text);

    private static string[] Words(string text) => [.. Tokens(text).Where(t => t.Kind == TokenKind.Word).Select(t => t.Word!.ToString())];

    [Fact]
    public void Blanks_and_tabs_separate_words_and_the_end_is_a_token()
    {
        var tokens = Tokens("  echo  a\tb ");
        Assert.Equal([TokenKind.Word, TokenKind.Word, TokenKind.Word, TokenKind.End], tokens.Select(t => t.Kind));
        Assert.Equal(["echo", "a", "b"], Words("  echo  a\tb "));
    }

    [Fact]
    public void Every_operator_is_recognised_with_or_without_blanks_around_it()
    {
        var kinds = Tokens("a|b||c&d&&e;f\ng").Select(t => t.Kind);
        Assert.Equal(
        [
            TokenKind.Word, TokenKind.Pipe, TokenKind.Word, TokenKind.OrIf, TokenKind.Word, TokenKind.Ampersand,
            TokenKind.Word, TokenKind.AndIf, TokenKind.Word, TokenKind.Semicolon, TokenKind.Word, TokenKind.Newline,
            TokenKind.Word, TokenKind.End,
        ], kinds);
    }

    [Fact]
    public void Single_quotes_keep_everything_as_it_is()
    {
        var word = Assert.Single(Tokens("'a $? \"b\" \\ $$ c'"), t => t.Kind == TokenKind.Word).Word!;
        Assert.Equal([new Literal("a $? \"b\" \\ $$ c")], word.Parts);
    }

    [Fact]
    public void Double_quotes_keep_blanks_and_operators_and_expand_status_and_pid()
    {
        var word = Tokens("\"x | $? ; $$ y\"")[0].Word!;
        Assert.Equal([new Literal("x | "), new Parameter("?"), new Literal(" ; "), new Parameter("$"), new Literal(" y")], word.Parts);
    }

    [Fact]
    public void Unquoted_parameters_expand_too_and_a_lone_dollar_is_itself()
    {
        Assert.Equal([new Parameter("?")], Tokens("$?")[0].Word!.Parts);
        Assert.Equal([new Literal("a"), new Parameter("$"), new Literal("b")], Tokens("a$$b")[0].Word!.Parts);
        Assert.Equal([new Parameter("!")], Tokens("$!")[0].Word!.Parts);
        Assert.Equal(["$", "a$", "$1"], Words("$ a$ $1"));
    }

    [Fact]
    public void Named_parameters_with_and_without_braces()
    {
        Assert.Equal([new Parameter("HOME"), new Literal("/x")], Tokens("$HOME/x")[0].Word!.Parts);
        Assert.Equal([new Parameter("A_1"), new Literal("b")], Tokens("${A_1}b")[0].Word!.Parts);
    }

    [Fact]
    public void Quoted_and_unquoted_pieces_next_to_each_other_make_one_word() =>
        Assert.Equal(["ab cd$e", "x"], Words("a'b c'\"d\"'$e' x"));

    [Fact]
    public void Empty_quotes_are_an_empty_word()
    {
        Assert.Equal(["", "", "a"], Words("'' \"\" a"));
        Assert.Equal([new Literal("")], Tokens("''")[0].Word!.Parts);
    }

    [Fact]
    public void A_backslash_quotes_the_next_character_and_a_backslash_newline_disappears()
    {
        Assert.Equal(["a b", "|", "$?"], Words("a\\ b \\| \\$?"));
        Assert.Equal(["ab", "c"], Words("a\\\nb \\\nc"));
    }

    [Fact]
    public void In_double_quotes_a_backslash_quotes_only_dollar_quote_backquote_and_backslash() =>
        Assert.Equal(["$x \"q\" \\ \\a `"], Words("\"\\$x \\\"q\\\" \\\\ \\a \\`\""));

    [Fact]
    public void A_comment_runs_to_the_end_of_the_line()
    {
        Assert.Equal(["echo", "a", "b"], Words("echo a # not this\nb"));
        Assert.Equal(["a#b"], Words("a#b"));
        Assert.Equal(["#"], Words("'#'"));
    }

    [Theory]
    [InlineData("<f", 0, "Input", "<")]
    [InlineData(">f", 1, "Output", ">")]
    [InlineData(">|f", 1, "Output", ">|")]
    [InlineData(">>f", 1, "Append", ">>")]
    [InlineData("2>f", 2, "Output", "2>")]
    [InlineData("2>>f", 2, "Append", ">>")]
    [InlineData("3<f", 3, "Input", "<")]
    [InlineData("2>&f", 2, "Duplicate", ">&")]
    [InlineData(">&f", 1, "Duplicate", ">&")]
    [InlineData("0<&f", 0, "Duplicate", "<&")]
    [InlineData("12>f", 12, "Output", "12>")]
    public void A_redirection_carries_its_descriptor_and_operator_and_its_target_is_the_next_word(string text, int fd, string op, string operatorText)
    {
        var tokens = Tokens(text);
        Assert.Equal(TokenKind.Redirect, tokens[0].Kind);
        Assert.Equal(fd, tokens[0].Fd);
        Assert.Equal(Enum.Parse<RedirectOperator>(op), tokens[0].Operator);
        Assert.EndsWith(operatorText, tokens[0].Text);
        Assert.Equal("f", tokens[1].Word!.ToString());
    }

    [Fact]
    public void Digits_are_an_IO_number_only_right_before_the_operator()
    {
        var tokens = Tokens("echo 2 >f a2>g");
        Assert.Equal(["echo", "2", "f", "a2", "g"], Words("echo 2 >f a2>g"));
        Assert.All(tokens.Where(t => t.Kind == TokenKind.Redirect), t => Assert.Equal(1, t.Fd));
    }

    [Fact]
    public void Two_redirections_of_the_common_idioms()
    {
        var tokens = Tokens("cmd 2>&1 2>/dev/null");
        Assert.Equal([TokenKind.Word, TokenKind.Redirect, TokenKind.Word, TokenKind.Redirect, TokenKind.Word, TokenKind.End], tokens.Select(t => t.Kind));
        Assert.Equal(["cmd", "1", "/dev/null"], Words("cmd 2>&1 2>/dev/null"));
    }

    [Theory]
    [InlineData("echo 'abc")]
    [InlineData("echo \"abc")]
    [InlineData("echo \"a'b")]
    [InlineData("'")]
    public void An_unterminated_quote_is_a_syntax_error_that_more_input_could_complete(string text)
    {
        var error = Assert.Throws<ShellSyntaxException>(() => Tokens(text));
        Assert.StartsWith("syntax error: unterminated quoted string", error.Message);
        Assert.True(error.AtEnd);
    }

    [Theory]
    [InlineData("echo ${")]
    [InlineData("echo ${a")]
    [InlineData("echo ${}")]
    [InlineData("echo ${a-b}")]
    public void A_bad_brace_is_a_syntax_error(string text) =>
        Assert.Equal("syntax error: bad substitution", Assert.Throws<ShellSyntaxException>(() => Tokens(text)).Message);

    [Fact]
    public void A_descriptor_number_too_large_is_a_syntax_error() =>
        Assert.Throws<ShellSyntaxException>(() => Tokens("echo 99999999999>f"));
}
