using System.Globalization;
using System.Security;
using System.Text;
using System.Xml.Linq;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// Generates and parses the config ROM in Genode's format (<c>Libc::Child_config</c>). An attribute whose text
/// XML 1.0 cannot hold, even as a character reference (controls but tab, newline and return; U+FFFE, U+FFFF; a lone
/// surrogate), is written as <c>NAME-base64="…"</c>: the Base64 of its UTF-16 code units, little-endian, so every
/// string comes back exactly. Ordinary text keeps Genode's plain <c>NAME="…"</c>.
/// </summary>
internal static class ConfigRom
{
    /// <summary>The suffix of an attribute that carries its text as Base64 of UTF-16LE.</summary>
    public const string EncodedSuffix = "-base64";

    public static string Generate(ChildConfig config)
    {
        var xml = new StringBuilder(512);
        xml.Append("<config ld_check_ctors=\"no\">\n");
        xml.Append("\t<libc pid=\"").Append(config.Pid).Append('"');
        foreach (var (key, value) in config.LibcAttributes) Attribute(xml, key, value);
        Attribute(xml, "cwd", config.Cwd);
        if (config.Cloned) Attribute(xml, "cloned", "yes");
        xml.Append(">\n");
        foreach (var fd in config.Fds)
        {
            xml.Append("\t\t<fd id=\"").Append(fd.Id).Append('"');
            Attribute(xml, "path", fd.Path);
            if (fd.CloseOnExec) Attribute(xml, "cloexec", "yes");
            if (fd.Readable) Attribute(xml, "readable", "yes");
            if (fd.Writeable) Attribute(xml, "writeable", "yes");
            if (fd.Seek != 0) Attribute(xml, "seek", fd.Seek.ToString(CultureInfo.InvariantCulture));
            xml.Append("/>\n");
        }

        if (config.Stack is { } stack) Range(xml, "stack", null, stack);
        foreach (var rw in config.Rw) Range(xml, "rw", rw.Name, rw);
        foreach (var heap in config.Heap) Range(xml, "heap", null, heap);
        xml.Append("\t</libc>\n");
        foreach (var node in config.Others)
        {
            xml.Append('\t');
            Node(xml, node);
            xml.Append('\n');
        }

        return xml.Append("</config>").ToString();
    }

    /// <summary>Parses a config ROM; a malformed one is a <see cref="PosixException"/> (EINVAL) with the reason.</summary>
    public static ChildConfig Parse(string rom)
    {
        XElement root;
        try
        {
            root = XElement.Parse(rom);
        }
        catch (System.Xml.XmlException e)
        {
            throw new PosixException(Errno.EINVAL, $"config ROM is not XML: {e.Message}");
        }

        return FromXml(root);
    }

    /// <summary>The config a parsed config ROM describes; a config that lacks what it needs is a <see cref="PosixException"/> (EINVAL).</summary>
    public static ChildConfig FromXml(XElement root)
    {
        var libc = root.Element("libc") ?? throw new PosixException(Errno.EINVAL, "config ROM has no <libc> node");
        var fds = libc.Elements("fd").Select(fd => new FdNode(
            Int(fd, "id"), Text(fd, "path") ?? "", Yes(fd, "cloexec"), Yes(fd, "readable"),
            Yes(fd, "writeable"), (long?)fd.Attribute("seek") ?? 0)).ToList();
        var stack = libc.Element("stack") is { } s ? Region(s, "stack", "stack") : null;
        var rw = libc.Elements("rw").Select(r => Region(r, "rw", Text(r, "name") ?? "")).ToList();
        var heap = libc.Elements("heap").Select(h => Region(h, "heap", "heap")).ToList();
        var inherited = ChildConfig.InheritedLibcAttributes
            .Where(a => libc.Attribute(a) is not null)
            .Select(a => KeyValuePair.Create(a, libc.Attribute(a)!.Value))
            .ToList();
        return new ChildConfig(
            Int(libc, "pid"), Text(libc, "cwd") ?? "/", Yes(libc, "cloned"), inherited, fds, stack, rw, heap,
            root.Elements().Where(e => e.Name != "libc").ToList());
    }

    /// <summary>An empty node in Genode's form (<c>&lt;arg value="x"/&gt;</c>); a node with content as XML writes it.</summary>
    private static void Node(StringBuilder xml, XElement node)
    {
        if (!node.IsEmpty)
        {
            xml.Append(node.ToString(SaveOptions.DisableFormatting));
            return;
        }

        xml.Append('<').Append(node.Name.LocalName);
        foreach (var attribute in node.Attributes()) Attribute(xml, attribute.Name.LocalName, attribute.Value);
        xml.Append("/>");
    }

    /// <summary>
    /// Escaped so that it parses back the same: tabs and line breaks too, which XML would turn into spaces. Text that
    /// XML cannot hold goes as <c>NAME-base64</c> (see the class).
    /// </summary>
    private static void Attribute(StringBuilder xml, string name, string value)
    {
        if (!XmlCanHold(value))
        {
            // Code units, not Encoding.Unicode: that would replace a lone surrogate.
            var bytes = new byte[value.Length * 2];
            for (var i = 0; i < value.Length; i++) (bytes[2 * i], bytes[2 * i + 1]) = ((byte)value[i], (byte)(value[i] >> 8));
            xml.Append(' ').Append(name).Append(EncodedSuffix).Append("=\"").Append(Convert.ToBase64String(bytes)).Append('"');
            return;
        }

        xml.Append(' ').Append(name).Append("=\"")
            .Append(SecurityElement.Escape(value).Replace("\t", "&#9;").Replace("\n", "&#10;").Replace("\r", "&#13;"))
            .Append('"');
    }

    /// <summary>The text of attribute <paramref name="name"/>, plain or Base64-encoded; null when it has neither.</summary>
    public static string? Text(XElement node, string name)
    {
        if (node.Attribute(name + EncodedSuffix) is not { } encoded) return (string?)node.Attribute(name);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(encoded.Value);
        }
        catch (FormatException)
        {
            throw new PosixException(Errno.EINVAL, $"config ROM: <{node.Name}> has a bad {name}{EncodedSuffix}=");
        }

        if (bytes.Length % 2 != 0) throw new PosixException(Errno.EINVAL, $"config ROM: <{node.Name}> has an odd {name}{EncodedSuffix}=");
        var chars = new char[bytes.Length / 2];
        for (var i = 0; i < chars.Length; i++) chars[i] = (char)(bytes[2 * i] | (bytes[2 * i + 1] << 8));
        return new string(chars);
    }

    /// <summary>Every character is one XML 1.0 allows (surrogates only in pairs).</summary>
    private static bool XmlCanHold(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            if (!System.Xml.XmlConvert.IsXmlChar(c)) return false;
        }

        return true;
    }

    private static void Range(StringBuilder xml, string node, string? name, MemoryRegion region)
    {
        xml.Append("\t\t<").Append(node);
        if (name is not null) Attribute(xml, "name", name);
        xml.Append(" at=\"0x").Append(region.At.ToString("x", CultureInfo.InvariantCulture)).Append('"');
        xml.Append(" size=\"").Append(region.Size.ToString(CultureInfo.InvariantCulture)).Append("\"/>\n");
    }

    private static MemoryRegion Region(XElement node, string kind, string name)
    {
        var at = (string?)node.Attribute("at") ?? "";
        var hex = at.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? at[2..] : at;
        if (!ulong.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var address))
            throw new PosixException(Errno.EINVAL, $"config ROM: <{node.Name}> has a bad at=\"{at}\"");
        return long.TryParse((string?)node.Attribute("size"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) && size >= 0
            ? new MemoryRegion(kind, name, address, size)
            : throw new PosixException(Errno.EINVAL, $"config ROM: <{node.Name}> has a bad size");
    }

    private static int Int(XElement node, string attribute) =>
        int.TryParse((string?)node.Attribute(attribute), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new PosixException(Errno.EINVAL, $"config ROM: <{node.Name}> lacks a number in {attribute}=");

    private static bool Yes(XElement node, string attribute) => (string?)node.Attribute(attribute) == "yes";
}
