using System.Text;

namespace Fork.Actors.Programs.Shell;

/// <summary>
/// Splits a script into tokens (XCU 2.3): operators, words with their quoting removed ('…' takes everything as it
/// is; "…" and bare text expand <c>$?</c>, <c>$$</c>, <c>$NAME</c>; a backslash quotes the next character), and
/// comments dropped. An unterminated quote is a syntax error.
/// </summary>
internal sealed class Tokenizer
{
    private const string Operators = "|&;<>";
    private readonly string _text;
    private int _at;

    private Tokenizer(string text) => _text = text;

    public static IReadOnlyList<Token> Tokenize(string text)
    {
        var tokenizer = new Tokenizer(text);
        var tokens = new List<Token>();
        Token token;
        do tokens.Add(token = tokenizer.Next());
        while (token.Kind != TokenKind.End);
        return tokens;
    }

    private char? Peek(int ahead = 0) => _at + ahead < _text.Length ? _text[_at + ahead] : null;

    private Token Next()
    {
        SkipBlanksAndComment();
        if (Peek() is not { } c) return Token.End;
        if (c == '\n') return Take(1, TokenKind.Newline);
        if (c == '|') return Peek(1) == '|' ? Take(2, TokenKind.OrIf) : Take(1, TokenKind.Pipe);
        if (c == '&') return Peek(1) == '&' ? Take(2, TokenKind.AndIf) : Take(1, TokenKind.Ampersand);
        if (c == ';') return Take(1, TokenKind.Semicolon);
        var start = _at;
        if (c is '<' or '>') return Redirect(null, start);
        if (IoNumber() is { } fd) return Redirect(fd, start);
        return Token.Of(ReadWord());
    }

    private void SkipBlanksAndComment()
    {
        while (Peek() is ' ' or '\t' || (Peek() == '\\' && Peek(1) == '\n')) _at += Peek() == '\\' ? 2 : 1;
        if (Peek() != '#') return;
        while (Peek() is { } c && c != '\n') _at++;
    }

    private Token Take(int length, TokenKind kind)
    {
        var token = new Token(kind, _text.Substring(_at, length));
        _at += length;
        return token;
    }

    /// <summary>Digits right before '&lt;' or '&gt;' name the descriptor a redirection applies to (<c>2&gt;</c>).</summary>
    private int? IoNumber()
    {
        var end = _at;
        while (end < _text.Length && char.IsAsciiDigit(_text[end])) end++;
        if (end == _at || end == _text.Length || _text[end] is not ('<' or '>')) return null;
        if (!int.TryParse(_text.AsSpan(_at, end - _at), out var fd)) throw new ShellSyntaxException($"syntax error: bad descriptor {_text[_at..end]}", false);
        _at = end;
        return fd;
    }

    private Token Redirect(int? fd, int start)
    {
        var input = _text[_at++] == '<';
        var op = RedirectOperator.Input;
        if (Peek() == '&') (op, _at) = (RedirectOperator.Duplicate, _at + 1);
        else if (!input && Peek() == '>') (op, _at) = (RedirectOperator.Append, _at + 1);
        else if (!input) (op, _at) = (RedirectOperator.Output, Peek() == '|' ? _at + 1 : _at);
        return new Token(TokenKind.Redirect, _text[start.._at], Fd: fd ?? (input ? 0 : 1), Operator: op);
    }

    private Word ReadWord()
    {
        var word = new WordBuilder();
        while (Peek() is { } c && !char.IsWhiteSpace(c) && !Operators.Contains(c))
        {
            _at++;
            switch (c)
            {
                case '\'': SingleQuoted(word); break;
                case '"': DoubleQuoted(word); break;
                case '\\': Escaped(word); break;
                case '$': Dollar(word); break;
                default: word.Add(c); break;
            }
        }

        return word.Build();
    }

    private void SingleQuoted(WordBuilder word)
    {
        var end = _text.IndexOf('\'', _at);
        if (end < 0) throw Unterminated('\'');
        word.Add(_text[_at..end]);
        _at = end + 1;
    }

    /// <summary>Inside "…" a backslash quotes only $ ` " \ and a newline (which it removes); $ expands.</summary>
    private void DoubleQuoted(WordBuilder word)
    {
        word.Add("");
        while (Peek() is { } c && c != '"')
        {
            _at++;
            if (c == '$') Dollar(word);
            else if (c == '\\' && Peek() is '$' or '`' or '"' or '\\') word.Add(_text[_at++]);
            else if (c == '\\' && Peek() == '\n') _at++;
            else word.Add(c);
        }

        if (Peek() is null) throw Unterminated('"');
        _at++;
    }

    private void Escaped(WordBuilder word)
    {
        if (Peek() is not { } next) word.Add('\\');
        else if (next != '\n') word.Add(next);
        _at = Math.Min(_at + 1, _text.Length);
    }

    /// <summary>$? $$ $! $NAME ${NAME}; a '$' before anything else is itself.</summary>
    private void Dollar(WordBuilder word)
    {
        if (Peek() is '?' or '$' or '!')
        {
            word.Add(new Parameter(_text[_at++].ToString()));
            return;
        }

        var braced = Peek() == '{';
        var start = braced ? _at + 1 : _at;
        var end = start;
        while (end < _text.Length && (char.IsAsciiLetterOrDigit(_text[end]) || _text[end] == '_') && !(end == start && char.IsAsciiDigit(_text[end]))) end++;
        if (braced && (end == start || end >= _text.Length || _text[end] != '}')) throw new ShellSyntaxException("syntax error: bad substitution", false);
        if (end == start)
        {
            word.Add('$');
            return;
        }

        word.Add(new Parameter(_text[start..end]));
        _at = braced ? end + 1 : end;
    }

    private static ShellSyntaxException Unterminated(char quote) => new($"syntax error: unterminated quoted string ({quote})", atEnd: true);

    /// <summary>Gathers a word's parts, merging adjacent literal text.</summary>
    private sealed class WordBuilder
    {
        private readonly List<WordPart> _parts = [];
        private readonly StringBuilder _literal = new();
        private bool _quoted;

        public void Add(char c) => _literal.Append(c);

        /// <summary>Literal text; an empty one still makes a word (<c>''</c> and <c>""</c> are empty arguments).</summary>
        public void Add(string text)
        {
            _literal.Append(text);
            _quoted = true;
        }

        public void Add(Parameter parameter)
        {
            FlushLiteral();
            _parts.Add(parameter);
        }

        public Word Build()
        {
            FlushLiteral();
            if (_parts.Count == 0 && _quoted) _parts.Add(new Literal(""));
            return new Word(_parts);
        }

        private void FlushLiteral()
        {
            if (_literal.Length == 0) return;
            _parts.Add(new Literal(_literal.ToString()));
            _literal.Clear();
        }
    }
}
