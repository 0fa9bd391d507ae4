using Fork.Actors.Programs.Shell;
using Xunit;

namespace Fork.Tests.Shell;

/// <summary>
/// The shell's grammar (XCU 2.10): each tree is written back in a compact form, commands in parentheses, their
/// redirections after their words, pipelines with |, and-or lists with &amp;&amp; and ||, list items with ; or &amp;.
/// </summary>
public sealed class ParserSpec
{
    private static string Render(string text) => Render(Parser.Parse(text));

    private static string Render(Script script) =>
        string.Join(" ", script.Items.Select(i => Render(i.Command) + (i.Background ? " &" : ";")));

    private static string Render(AndOr command) =>
        Render(command.First) + string.Concat(command.Rest.Select(c => (c.Connector == Connector.AndIf ? " && " : " || ") + Render(c.Pipeline)));

    private static string Render(Pipeline pipeline) => string.Join(" | ", pipeline.Commands.Select(Render));

    private static string Render(SimpleCommand command) =>
        "(" + string.Join(" ", command.Words.Select(Render).Concat(command.Redirections.Select(Render))) + ")";

    private static string Render(Word word) => word.Parts.Count == 1 && word.Parts[0] is Literal { Text: "" } ? "''" : word.ToString();

    private static string Render(Redirection r) => r.Fd + r.Operator switch
    {
        RedirectOperator.Input => "<",
        RedirectOperator.Output => ">",
        RedirectOperator.Append => ">>",
        _ => ">&",
    } + Render(r.Target);

    [Theory]
    [InlineData("echo a b", "(echo a b);")]
    [InlineData("echo '' \"a b\"", "(echo '' a b);")]
    [InlineData("echo $? \"$$\"", "(echo ${?} ${$});")]
    [InlineData(">out echo a 2>&1 b <in", "(echo a b 1>out 2>&1 0<in);")]
    [InlineData("cat >>log 2>/dev/null", "(cat 1>>log 2>/dev/null);")]
    [InlineData("> empty", "(1>empty);")]
    [InlineData("cmd 3>&-", "(cmd 3>&-);")]
    public void A_simple_command_is_its_words_and_redirections(string text, string tree) => Assert.Equal(tree, Render(text));

    [Theory]
    [InlineData("a | b", "(a) | (b);")]
    [InlineData("a|b|c x", "(a) | (b) | (c x);")]
    [InlineData("seq 1 1000 | grep 7 | wc -l", "(seq 1 1000) | (grep 7) | (wc -l);")]
    [InlineData("a |\n\n b", "(a) | (b);")]
    public void A_pipeline_is_commands_joined_by_bars(string text, string tree) => Assert.Equal(tree, Render(text));

    [Theory]
    [InlineData("a && b", "(a) && (b);")]
    [InlineData("a || b && c | d", "(a) || (b) && (c) | (d);")]
    [InlineData("a &&\n b ||\n c", "(a) && (b) || (c);")]
    public void An_and_or_list_chains_pipelines_left_to_right(string text, string tree) => Assert.Equal(tree, Render(text));

    [Fact]
    public void And_or_chains_keep_their_connectors_in_order()
    {
        var command = Assert.Single(Parser.Parse("a || b && c").Items).Command;
        Assert.Equal([Connector.OrIf, Connector.AndIf], command.Rest.Select(c => c.Connector));
    }

    [Theory]
    [InlineData("a; b", "(a); (b);")]
    [InlineData("a & b", "(a) & (b);")]
    [InlineData("a &", "(a) &")]
    [InlineData("a;", "(a);")]
    [InlineData("a\nb\n\nc", "(a); (b); (c);")]
    [InlineData("a && b & c | d; e", "(a) && (b) & (c) | (d); (e);")]
    [InlineData("sleep 1 & wait", "(sleep 1) & (wait);")]
    [InlineData("\n\n a ; \n b &\n", "(a); (b) &")]
    public void A_list_separates_and_or_lists_by_semicolons_ampersands_and_newlines(string text, string tree) =>
        Assert.Equal(tree, Render(text));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\n")]
    [InlineData("# only a comment")]
    public void An_empty_script_has_no_items(string text) => Assert.Empty(Parser.Parse(text).Items);

    [Theory]
    [InlineData("|", "`|'")]
    [InlineData("| a", "`|'")]
    [InlineData("a | | b", "`|'")]
    [InlineData("a || || b", "`||'")]
    [InlineData("&& b", "`&&'")]
    [InlineData("a && && b", "`&&'")]
    [InlineData(";", "`;'")]
    [InlineData("a ;; b", "`;'")]
    [InlineData("& a", "`&'")]
    [InlineData("a & & b", "`&'")]
    [InlineData("a > | b", "`|'")]
    [InlineData("a > ; b", "`;'")]
    [InlineData("a 2>&\n", "`newline'")]
    [InlineData("a |\n;", "`;'")]
    public void A_misplaced_operator_is_a_syntax_error_naming_it(string text, string token)
    {
        var error = Assert.Throws<ShellSyntaxException>(() => Parser.Parse(text));
        Assert.Equal($"syntax error near unexpected token {token}", error.Message);
        Assert.False(error.AtEnd);
    }

    [Theory]
    [InlineData("a |")]
    [InlineData("a ||")]
    [InlineData("a &&")]
    [InlineData("a | b &&\n")]
    [InlineData("echo >")]
    [InlineData("echo 2>&")]
    public void A_script_that_ends_inside_a_command_is_a_syntax_error_more_input_could_complete(string text)
    {
        var error = Assert.Throws<ShellSyntaxException>(() => Parser.Parse(text));
        Assert.Equal("syntax error: unexpected end of file", error.Message);
        Assert.True(error.AtEnd);
    }
}
