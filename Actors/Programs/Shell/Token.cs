namespace Fork.Actors.Programs.Shell;

internal enum TokenKind
{
    Word,
    Pipe,        // |
    OrIf,        // ||
    Ampersand,   // &
    AndIf,       // &&
    Semicolon,   // ;
    Newline,
    Redirect,    // [N]< [N]> [N]>> [N]>& [N]<&, its target the next word
    End,
}

/// <summary>
/// One token of a script: a word, or an operator with its text. A redirection carries the descriptor it applies to
/// (the IO number before it, or 0 for input and 1 for output).
/// </summary>
internal sealed record Token(TokenKind Kind, string Text, Word? Word = null, int Fd = 0, RedirectOperator Operator = default)
{
    public static readonly Token End = new(TokenKind.End, "end of file");

    public static Token Of(Word word) => new(TokenKind.Word, word.ToString(), word);
}
