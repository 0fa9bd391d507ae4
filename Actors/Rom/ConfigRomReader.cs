using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// Reads a config ROM in the shape <see cref="ConfigRom.Generate"/> writes: elements with attributes, nested or empty,
/// and white space between them. That is every config a fork produces, and reading it by hand costs a fraction of an
/// XML parser (XElement.Parse was the largest single cost of booting a child in the profile). Anything else (text,
/// comments, CDATA, a declaration, a malformed or unusual construct) goes to <see cref="ConfigRom.Parse"/>, which
/// either reads it or explains why it is not a config.
/// </summary>
internal static class ConfigRomReader
{
    public static ChildConfig Read(string rom)
    {
        var root = new Reader(rom).Document();
        return (root is null ? null : FromNodes(root)) ?? ConfigRom.Parse(rom);
    }

    /// <summary>The config, or null where something is off (the full parser then says what).</summary>
    private static ChildConfig? FromNodes(Node root)
    {
        if (root.Name != "config" || root.Children.FirstOrDefault(n => n.Name == "libc") is not { } libc) return null;
        if (Int(libc, "pid") is not { } pid || Encoded(libc) || libc.Children.Any(Encoded)) return null;
        var fds = new List<FdNode>();
        var rw = new List<MemoryRegion>();
        var heap = new List<MemoryRegion>();
        MemoryRegion? stack = null;
        foreach (var node in libc.Children)
        {
            switch (node.Name)
            {
                case "fd":
                    if (Int(node, "id") is not { } id) return null;
                    var seek = 0L;
                    if (node["seek"] is { } s && !long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seek)) return null;
                    fds.Add(new FdNode(id, node["path"] ?? "", Yes(node, "cloexec"), Yes(node, "readable"), Yes(node, "writeable"), seek));
                    break;
                case "stack" when stack is null:
                    if ((stack = Region(node, "stack", "stack")) is null) return null;
                    break;
                case "rw":
                    if (Region(node, "rw", node["name"] ?? "") is not { } segment) return null;
                    rw.Add(segment);
                    break;
                case "heap":
                    if (Region(node, "heap", "heap") is not { } region) return null;
                    heap.Add(region);
                    break;
            }
        }

        var inherited = new List<KeyValuePair<string, string>>();
        foreach (var name in ChildConfig.InheritedLibcAttributes)
            if (libc[name] is { } value) inherited.Add(KeyValuePair.Create(name, value));
        var others = new List<XElement>(root.Children.Count - 1);
        foreach (var node in root.Children)
            if (node.Name != "libc") others.Add(node.ToXml());
        return new ChildConfig(pid, libc["cwd"] ?? "/", Yes(libc, "cloned"), inherited, fds, stack, rw, heap, others);
    }

    /// <summary>An attribute written in the encoded form for text XML cannot hold: the full parser decodes it.</summary>
    private static bool Encoded(Node node) => node.Attributes.Any(a => a.Key.EndsWith(ConfigRom.EncodedSuffix, StringComparison.Ordinal));

    private static int? Int(Node node, string attribute) =>
        int.TryParse(node[attribute], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static bool Yes(Node node, string attribute) => node[attribute] == "yes";

    private static MemoryRegion? Region(Node node, string kind, string name)
    {
        var at = node["at"] ?? "";
        var hex = at.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? at.AsSpan(2) : at.AsSpan();
        return ulong.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var address)
               && long.TryParse(node["size"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) && size >= 0
            ? new MemoryRegion(kind, name, address, size)
            : null;
    }

    /// <summary>An element as read: its name, its attributes in order, its child elements.</summary>
    private sealed class Node(string name)
    {
        public string Name { get; } = name;

        public List<KeyValuePair<string, string>> Attributes { get; } = [];

        public List<Node> Children { get; } = [];

        public string? this[string attribute]
        {
            get
            {
                foreach (var (key, value) in Attributes)
                    if (key == attribute) return value;
                return null;
            }
        }

        public XElement ToXml()
        {
            var element = new XElement(Name);
            foreach (var (key, value) in Attributes) element.Add(new XAttribute(key, value));
            foreach (var child in Children) element.Add(child.ToXml());
            return element;
        }
    }

    private ref struct Reader(string text)
    {
        private int _at;

        /// <summary>The root element, or null where the text is not of the simple shape.</summary>
        public Node? Document()
        {
            SkipSpace();
            var root = Element();
            if (root is null) return null;
            SkipSpace();
            return _at == text.Length ? root : null;
        }

        private Node? Element()
        {
            if (!Take('<') || Name() is not { } name) return null;
            var element = new Node(name);
            while (true)
            {
                var spaced = SkipSpace();
                if (Take('/')) return Take('>') ? element : null;
                if (Take('>')) break;
                if (!spaced || Name() is not { } attribute || element[attribute] is not null) return null;
                SkipSpace();
                if (!Take('=')) return null;
                SkipSpace();
                if (Value() is not { } value) return null;
                element.Attributes.Add(KeyValuePair.Create(attribute, value));
            }

            while (true)
            {
                SkipSpace();
                if (_at + 1 < text.Length && text[_at] == '<' && text[_at + 1] == '/')
                {
                    _at += 2;
                    var closing = Name();
                    SkipSpace();
                    return closing == element.Name && Take('>') ? element : null;
                }

                if (Element() is not { } child) return null;
                element.Children.Add(child);
            }
        }

        private string? Name()
        {
            var start = _at;
            while (_at < text.Length && (char.IsAsciiLetterOrDigit(text[_at]) || text[_at] is '_' or '-' or '.')) _at++;
            return _at > start && !char.IsAsciiDigit(text[start]) && text[start] is not ('-' or '.') ? text[start.._at] : null;
        }

        /// <summary>A quoted attribute value with XML's entity and character references and its white space rule.</summary>
        private string? Value()
        {
            if (_at >= text.Length || text[_at] is not ('"' or '\'')) return null;
            var quote = text[_at++];
            StringBuilder? built = null;
            var start = _at;
            while (_at < text.Length && text[_at] != quote)
            {
                var c = text[_at];
                if (c == '<' || (c < ' ' && c is not ('\t' or '\n' or '\r')) || c >= '\uD800') return null;
                if (c is '&' or '\t' or '\n' or '\r')
                {
                    built ??= new StringBuilder();
                    built.Append(text, start, _at - start);
                    if (c == '&')
                    {
                        if (Reference() is not { } referenced) return null;
                        built.Append(referenced);
                    }
                    else
                    {
                        // XML: a literal line break or tab in an attribute is read as one space (CR LF as one).
                        if (c == '\r' && _at + 1 < text.Length && text[_at + 1] == '\n') _at++;
                        built.Append(' ');
                        _at++;
                    }

                    start = _at;
                    continue;
                }

                _at++;
            }

            if (_at >= text.Length) return null;
            var value = built is null ? text[start.._at] : built.Append(text, start, _at - start).ToString();
            _at++;
            return value;
        }

        private string? Reference()
        {
            var end = text.IndexOf(';', _at);
            if (end < 0) return null;
            var name = text.AsSpan(_at + 1, end - _at - 1);
            _at = end + 1;
            switch (name)
            {
                case "amp": return "&";
                case "lt": return "<";
                case "gt": return ">";
                case "quot": return "\"";
                case "apos": return "'";
            }

            var hex = name.StartsWith("#x");
            if (!name.StartsWith("#")) return null;
            if (!int.TryParse(name[(hex ? 2 : 1)..], hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var code))
                return null;
            // XML 1.0 characters only (no surrogates: what needs them goes to the full parser).
            return code is 0x9 or 0xA or 0xD or (>= 0x20 and < 0xD800) or (>= 0xE000 and <= 0xFFFD) ? ((char)code).ToString() : null;
        }

        private bool Take(char c)
        {
            if (_at >= text.Length || text[_at] != c) return false;
            _at++;
            return true;
        }

        private bool SkipSpace()
        {
            var start = _at;
            while (_at < text.Length && text[_at] is ' ' or '\t' or '\n' or '\r') _at++;
            return _at > start;
        }
    }
}
