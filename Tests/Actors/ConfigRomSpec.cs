using System.Xml.Linq;
using CsCheck;
using Fork.Actors;
using Fork.Messages;
using Xunit;

namespace Fork.Tests;

/// <summary>The child config ROM: Genode's format as DESIGN.md shows it, and back.</summary>
public sealed class ConfigRomSpec
{
    /// <summary>DESIGN.md "The child config ROM", without its comments.</summary>
    private const string DesignExample =
        "<config ld_check_ctors=\"no\">\n" +
        "\t<libc pid=\"2\" cwd=\"/\" cloned=\"yes\">\n" +
        "\t\t<fd id=\"3\" path=\"/seek_test\" readable=\"yes\" seek=\"5\"/>\n" +
        "\t\t<stack at=\"0x40100000\" size=\"262144\"/>\n" +
        "\t\t<rw name=\"binary\" at=\"0x1032000\" size=\"4720\"/>\n" +
        "\t\t<heap at=\"0x1100000\" size=\"65536\"/>\n" +
        "\t</libc>\n" +
        "\t<arg value=\"test-fork\"/>\n" +
        "\t<env key=\"WIZARD\" value=\"gandalf\"/>\n" +
        "</config>";

    /// <summary>Printable text with the characters XML escapes, and beyond ASCII.</summary>
    private static readonly Gen<string> Text = Gen.String[Gen.Char["abc /&<>\"'=é→"], 0, 12];

    private static readonly Gen<FdNode> Fd = Gen.Select(Gen.Int[0, 1023], Text, Gen.Bool, Gen.Bool, Gen.Bool, Gen.Long[0, long.MaxValue],
        (id, path, cloexec, readable, writeable, seek) => new FdNode(id, path, cloexec, readable, writeable, seek));

    private static readonly Gen<KeyValuePair<string, string>> Inherited =
        Gen.Select(Gen.OneOf(ChildConfig.InheritedLibcAttributes), Text, KeyValuePair.Create);

    private static readonly Gen<ChildConfig> Configs = Gen.Select(
        Gen.Select(Gen.Int[1, int.MaxValue], Text.Select(t => "/" + t), Gen.Bool),
        Inherited.List[0, 3].Select(a => a.DistinctBy(p => p.Key).OrderBy(p => Array.IndexOf(ChildConfig.InheritedLibcAttributes, p.Key)).ToList()),
        Fd.List[0, 4],
        Gen.Select(
            Gen.Select(Gen.Int[0, 4], Region("stack", Gen.Const("stack")), (n, r) => n == 0 ? null : r),
            Region("rw", Text).List[0, 3],
            Region("heap", Gen.Const("heap")).List[0, 3]),
        Gen.Select(Text.List[0, 3], Gen.Select(Text, Text, KeyValuePair.Create).List[0, 3]),
        (head, inherited, fds, memory, image) => new ChildConfig(
            head.Item1, head.Item2, head.Item3, inherited, fds, memory.Item1, memory.Item2, memory.Item3,
            ChildConfig.ImageNodes([], image.Item1, image.Item2)));

    private static ChildConfig Example { get; } = new(
        2, "/", true, [],
        [new FdNode(3, "/seek_test", false, Readable: true, Writeable: false, 5)],
        new MemoryRegion("stack", "stack", 0x40100000, 262144),
        [new MemoryRegion("rw", "binary", 0x1032000, 4720)],
        [new MemoryRegion("heap", "heap", 0x1100000, 65536)],
        ChildConfig.ImageNodes([], ["test-fork"], [KeyValuePair.Create("WIZARD", "gandalf")]));

    [Fact]
    public void Generated_config_is_the_design_example_exactly()
    {
        Assert.Equal(DesignExample, ConfigRom.Generate(Example));
    }

    [Fact]
    public void Libc_node_of_the_generated_config_is_the_design_example_exactly()
    {
        var generated = ConfigRom.Generate(Example);
        var libcEnd = DesignExample.IndexOf("\t</libc>\n", StringComparison.Ordinal);

        Assert.Equal(DesignExample[..libcEnd], generated[..Math.Min(libcEnd, generated.Length)]);
        Assert.True(XNode.DeepEquals(XElement.Parse(DesignExample), XElement.Parse(generated)));
    }

    [Fact]
    public void Every_loaded_object_and_heap_region_gets_its_node_in_order()
    {
        var config = Example with
        {
            Rw = [new("rw", "binary", 0x1032000, 4720), new("rw", "ld.lib.so", 0x1034000, 4720), new("rw", "libc.lib.so", 0x1036000, 4720)],
            Heap = [new("heap", "heap", 0x1100000, 65536), new("heap", "heap", 0x1110000, 131072)],
        };

        var libc = XElement.Parse(ConfigRom.Generate(config)).Element("libc")!;

        Assert.Equal(["fd", "stack", "rw", "rw", "rw", "heap", "heap"], libc.Elements().Select(e => e.Name.LocalName));
        Assert.Equal(["binary", "ld.lib.so", "libc.lib.so"], libc.Elements("rw").Select(e => (string)e.Attribute("name")!));
        Assert.Equal(["0x1100000", "0x1110000"], libc.Elements("heap").Select(e => (string)e.Attribute("at")!));
        Assert.Equal(["65536", "131072"], libc.Elements("heap").Select(e => (string)e.Attribute("size")!));
    }

    [Fact]
    public void Descriptor_flags_are_written_only_when_set()
    {
        var config = Example with
        {
            Fds = [new FdNode(0, "/dev/null", false, false, false, 0), new FdNode(4, "/log", true, true, true, 9)],
        };

        var fds = XElement.Parse(ConfigRom.Generate(config)).Element("libc")!.Elements("fd").ToList();

        Assert.Equal(["id", "path"], fds[0].Attributes().Select(a => a.Name.LocalName));
        Assert.Equal(["id", "path", "cloexec", "readable", "writeable", "seek"], fds[1].Attributes().Select(a => a.Name.LocalName));
        Assert.Equal("9", (string?)fds[1].Attribute("seek"));
    }

    [Fact]
    public void Rtc_pipe_and_socket_of_the_parent_are_copied_and_nothing_else()
    {
        var parent = ConfigRom.Parse(
            "<config verbose=\"yes\"><libc pid=\"1\" cwd=\"/\" rtc=\"/dev/rtc\" socket=\"/socket\" stdout=\"/dev/log\"/></config>");

        var libc = XElement.Parse(ConfigRom.Generate(Example with { LibcAttributes = parent.LibcAttributes })).Element("libc")!;

        Assert.Equal("/dev/rtc", (string?)libc.Attribute("rtc"));
        Assert.Equal("/socket", (string?)libc.Attribute("socket"));
        Assert.Null(libc.Attribute("pipe"));
        Assert.Null(libc.Attribute("stdout"));
    }

    [Fact]
    public void Parent_without_rtc_pipe_or_socket_passes_none_on()
    {
        var parent = ConfigRom.Parse("<config><libc pid=\"1\" cwd=\"/\"/></config>");

        var libc = XElement.Parse(ConfigRom.Generate(Example with { LibcAttributes = parent.LibcAttributes })).Element("libc")!;

        Assert.Empty(parent.LibcAttributes);
        Assert.Equal(["pid", "cwd", "cloned"], libc.Attributes().Select(a => a.Name.LocalName));
    }

    [Fact]
    public void Parents_own_config_attributes_are_not_copied()
    {
        var parent = ConfigRom.Parse("<config verbose=\"yes\" ld_verbose=\"yes\"><libc pid=\"1\"/><arg value=\"sh\"/></config>");
        var child = Example with { Others = ChildConfig.ImageNodes(parent.Others, parent.Args, parent.Environment) };

        var root = XElement.Parse(ConfigRom.Generate(child));

        Assert.Equal(["ld_check_ctors"], root.Attributes().Select(a => a.Name.LocalName));
        Assert.Equal("no", (string?)root.Attribute("ld_check_ctors"));
    }

    [Fact]
    public void Design_example_round_trips()
    {
        AssertSame(Example, ConfigRom.Parse(ConfigRom.Generate(Example)));
    }

    [Fact]
    public void Parsed_design_example_has_its_args_and_environment()
    {
        var config = ConfigRom.Parse(DesignExample);

        Assert.Equal(["test-fork"], config.Args);
        Assert.Equal([KeyValuePair.Create("WIZARD", "gandalf")], config.Environment);
        Assert.Equal(new FdNode(3, "/seek_test", false, true, false, 5), Assert.Single(config.Fds));
    }

    [Fact]
    public void Any_config_round_trips()
    {
        Configs.Sample(config => AssertSame(config, ConfigRom.Parse(ConfigRom.Generate(config))), iter: 200);
    }

    [Fact]
    public void Paths_and_values_with_tabs_and_newlines_round_trip()
    {
        var config = Example with
        {
            Cwd = "/a\tb",
            Fds = [new FdNode(3, "/line\none", false, true, false, 0)],
            Others = ChildConfig.ImageNodes([], ["two\nlines"], [KeyValuePair.Create("TAB", "a\tb\r\n")]),
        };

        AssertSame(config, ConfigRom.Parse(ConfigRom.Generate(config)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("<config>")]
    [InlineData("<config><libc pid=\"2\"></config>")]
    [InlineData("not xml at all")]
    public void Malformed_xml_is_EINVAL_with_a_sentence(string rom)
    {
        var e = Assert.Throws<PosixException>(() => ConfigRom.Parse(rom));

        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.Contains("not XML", e.Message);
    }

    [Fact]
    public void Config_without_a_libc_node_is_EINVAL_with_a_sentence()
    {
        var e = Assert.Throws<PosixException>(() => ConfigRom.Parse("<config><arg value=\"x\"/></config>"));

        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.Contains("<libc>", e.Message);
    }

    [Theory]
    [InlineData("<config><libc cwd=\"/\"/></config>", "pid")]
    [InlineData("<config><libc pid=\"2\"><stack at=\"zz\" size=\"4096\"/></libc></config>", "at")]
    [InlineData("<config><libc pid=\"2\"><heap at=\"0x1000\" size=\"-1\"/></libc></config>", "size")]
    [InlineData("<config><libc pid=\"2\"><fd path=\"/x\"/></libc></config>", "id")]
    public void Bad_numbers_are_EINVAL_naming_the_attribute(string rom, string attribute)
    {
        var e = Assert.Throws<PosixException>(() => ConfigRom.Parse(rom));

        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.Contains(attribute, e.Message);
    }

    private static void AssertSame(ChildConfig expected, ChildConfig actual)
    {
        Assert.Equal(expected.Pid, actual.Pid);
        Assert.Equal(expected.Cwd, actual.Cwd);
        Assert.Equal(expected.Cloned, actual.Cloned);
        Assert.Equal(expected.LibcAttributes, actual.LibcAttributes);
        Assert.Equal(expected.Fds, actual.Fds);
        Assert.Equal(expected.Stack, actual.Stack);
        Assert.Equal(expected.Rw, actual.Rw);
        Assert.Equal(expected.Heap, actual.Heap);
        Assert.Equal(expected.Args, actual.Args);
        Assert.Equal(expected.Environment, actual.Environment);
        Assert.Equal(
            expected.Others.Select(n => n.ToString(SaveOptions.DisableFormatting)),
            actual.Others.Select(n => n.ToString(SaveOptions.DisableFormatting)));
    }

    private static Gen<MemoryRegion> Region(string kind, Gen<string> name) =>
        Gen.Select(name, Gen.ULong, Gen.Long[0, long.MaxValue], (n, at, size) => new MemoryRegion(kind, n, at, size));
}
