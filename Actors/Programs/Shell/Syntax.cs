namespace Fork.Actors.Programs.Shell;

// The shell's syntax tree, as POSIX's grammar (XCU 2.10) names its parts: a script is a list of and-or lists, each
// run in the foreground or in the background; an and-or list is pipelines joined by && and ||; a pipeline is simple
// commands joined by |; a simple command is words and redirections.

/// <summary>A piece of a word: literal text, or a parameter expanded when the command runs.</summary>
internal abstract record WordPart;

/// <summary>Text taken as it is (quotes already removed).</summary>
internal sealed record Literal(string Text) : WordPart;

/// <summary><c>$?</c>, <c>$$</c>, <c>$!</c> or <c>$NAME</c> (an environment variable): expanded when its command runs.</summary>
internal sealed record Parameter(string Name) : WordPart;

/// <summary>One word of a command; quoting may make it empty (<c>''</c>), and it is still a word.</summary>
internal sealed record Word(IReadOnlyList<WordPart> Parts)
{
    public static Word Of(string text) => new([new Literal(text)]);

    /// <summary>The literal text, with each parameter as <c>${NAME}</c>.</summary>
    public override string ToString() =>
        string.Concat(Parts.Select(p => p switch { Literal l => l.Text, Parameter v => $"${{{v.Name}}}", _ => "" }));
}

internal enum RedirectOperator
{
    Input,      // N<FILE
    Output,     // N>FILE
    Append,     // N>>FILE
    Duplicate,  // N>&M, N<&M; M is "-" to close N
}

internal sealed record Redirection(int Fd, RedirectOperator Operator, Word Target);

internal sealed record SimpleCommand(IReadOnlyList<Word> Words, IReadOnlyList<Redirection> Redirections);

internal sealed record Pipeline(IReadOnlyList<SimpleCommand> Commands);

internal enum Connector
{
    AndIf,  // &&
    OrIf,   // ||
}

internal sealed record Chained(Connector Connector, Pipeline Pipeline);

internal sealed record AndOr(Pipeline First, IReadOnlyList<Chained> Rest);

internal sealed record ListItem(AndOr Command, bool Background);

internal sealed record Script(IReadOnlyList<ListItem> Items);

/// <summary>A script the shell cannot parse; <see cref="AtEnd"/> when more input could complete it.</summary>
internal sealed class ShellSyntaxException(string message, bool atEnd) : Exception(message)
{
    public bool AtEnd { get; } = atEnd;

    public static ShellSyntaxException UnexpectedEnd() => new("syntax error: unexpected end of file", atEnd: true);
}
