namespace Fork.Actors.Programs.Shell;

/// <summary>
/// Parses tokens into a <see cref="Script"/> by recursive descent over XCU 2.10's grammar, reduced to what this shell
/// runs: <c>list: and_or ((';' | '&amp;' | NEWLINE) and_or)*</c>, <c>and_or: pipeline (('&amp;&amp;' | '||') pipeline)*</c>,
/// <c>pipeline: command ('|' command)*</c>, <c>command: (WORD | redirection)+</c>. Newlines may follow an operator.
/// </summary>
internal sealed class Parser
{
    private readonly IReadOnlyList<Token> _tokens;
    private int _at;

    private Parser(IReadOnlyList<Token> tokens) => _tokens = tokens;

    /// <summary>The script's syntax tree; <see cref="ShellSyntaxException"/> if it has none.</summary>
    public static Script Parse(string text) => new Parser(Tokenizer.Tokenize(text)).ParseScript();

    private Token Peek => _tokens[_at];

    private Token Advance() => _tokens[_at++];

    private Script ParseScript()
    {
        var items = new List<ListItem>();
        SkipNewlines();
        while (Peek.Kind != TokenKind.End)
        {
            var command = ParseAndOr();
            var background = Peek.Kind == TokenKind.Ampersand;
            if (Peek.Kind is TokenKind.Ampersand or TokenKind.Semicolon) Advance();
            else if (Peek.Kind is not (TokenKind.Newline or TokenKind.End)) throw Unexpected(Peek);
            items.Add(new ListItem(command, background));
            SkipNewlines();
        }

        return new Script(items);
    }

    private AndOr ParseAndOr()
    {
        var first = ParsePipeline();
        var rest = new List<Chained>();
        while (Peek.Kind is TokenKind.AndIf or TokenKind.OrIf)
        {
            var connector = Advance().Kind == TokenKind.AndIf ? Connector.AndIf : Connector.OrIf;
            SkipNewlines();
            rest.Add(new Chained(connector, ParsePipeline()));
        }

        return new AndOr(first, rest);
    }

    private Pipeline ParsePipeline()
    {
        var commands = new List<SimpleCommand> { ParseCommand() };
        while (Peek.Kind == TokenKind.Pipe)
        {
            Advance();
            SkipNewlines();
            commands.Add(ParseCommand());
        }

        return new Pipeline(commands);
    }

    private SimpleCommand ParseCommand()
    {
        var words = new List<Word>();
        var redirections = new List<Redirection>();
        while (Peek.Kind is TokenKind.Word or TokenKind.Redirect)
        {
            var token = Advance();
            if (token.Kind == TokenKind.Word) words.Add(token.Word!);
            else redirections.Add(new Redirection(token.Fd, token.Operator, Target()));
        }

        if (words.Count == 0 && redirections.Count == 0) throw Unexpected(Peek);
        return new SimpleCommand(words, redirections);
    }

    private Word Target() => Peek.Kind == TokenKind.Word ? Advance().Word! : throw Unexpected(Peek);

    private void SkipNewlines()
    {
        while (Peek.Kind == TokenKind.Newline) Advance();
    }

    /// <summary>Bash's wording; at the end of the text, more input could complete the command.</summary>
    private static ShellSyntaxException Unexpected(Token token) => token.Kind switch
    {
        TokenKind.End => ShellSyntaxException.UnexpectedEnd(),
        TokenKind.Newline => new ShellSyntaxException("syntax error near unexpected token `newline'", atEnd: false),
        _ => new ShellSyntaxException($"syntax error near unexpected token `{token.Text}'", atEnd: false),
    };
}
