using CsCheck;
using Fork.Actors;
using Fork.Messages;
using Xunit;

namespace Fork.Tests;

/// <summary>The hand-written reader of config ROMs reads every config exactly as the XML parser does.</summary>
public sealed class ConfigRomReaderSpec
{
    /// <summary>Text with what XML escapes, line breaks and tabs, beyond ASCII and beyond the BMP.</summary>
    private static readonly Gen<string> Text = Gen.String[Gen.Char["abc /&<>\"'=é→\t\n\r\uE000😀"], 0, 12];

    private static readonly Gen<MemoryRegion> Regions = Gen.Select(Gen.ULong[0, 0xffff_ffff], Gen.Long[0, 1L << 40], (at, size) => new MemoryRegion("rw", "x", at, size));

    private static readonly Gen<ChildConfig> Configs = Gen.Select(
        Gen.Select(Gen.Int[1, int.MaxValue], Text, Gen.Bool),
        Gen.Select(Gen.Int[0, 1023], Text, Gen.Bool, Gen.Long[0, long.MaxValue], (id, path, yes, seek) => new FdNode(id, path, yes, !yes, true, seek)).List[0, 4],
        Gen.Select(Regions, Text, (r, name) => r with { Name = name }).List[0, 3],
        Gen.Select(Text.List[0, 3], Gen.Select(Text, Text, KeyValuePair.Create).List[0, 3]),
        (head, fds, rw, image) => new ChildConfig(
            head.Item1, head.Item2, head.Item3, [KeyValuePair.Create("rtc", "yes")], fds,
            new MemoryRegion("stack", "stack", 0x40100000, 262144), rw, [new MemoryRegion("heap", "heap", 0x1100000, 65536)],
            ChildConfig.ImageNodes([], image.Item1, image.Item2)));

    [Fact]
    public void Reader_and_XML_parser_read_every_generated_config_alike()
    {
        Configs.Sample(config =>
        {
            var rom = ConfigRom.Generate(config);
            Assert.Equal(Outcome(() => ConfigRom.Parse(rom)), Outcome(() => ConfigRomReader.Read(rom)));
        }, iter: 500);
    }

    [Theory]
    [InlineData("<config>\n\t<libc pid=\"4\"/>\n\t<arg value=\"a\"/>\n</config>")]
    [InlineData("<config><libc pid='5' cwd='/t&#x9;x'></libc><!-- a comment --><arg value=\"b\"/></config>")]
    [InlineData("<?xml version=\"1.0\"?><config><libc pid=\"6\"/><vfs><dir name=\"dev\">text</dir></vfs></config>")]
    [InlineData("<config><libc pid=\"7\" cwd=\"a&#13;&#10;b\r\nc\"/><env key=\"K\" value=\"&lt;&amp;&gt;\"/></config>")]
    public void Configs_of_other_shapes_read_as_the_XML_parser_reads_them(string rom)
    {
        Assert.Equal(ConfigRom.Generate(ConfigRom.Parse(rom)), ConfigRom.Generate(ConfigRomReader.Read(rom)));
    }

    /// <summary>The config read, regenerated, or the error that reading it gave.</summary>
    private static string Outcome(Func<ChildConfig> read)
    {
        try
        {
            return ConfigRom.Generate(read());
        }
        catch (PosixException e)
        {
            return $"{e.Errno}: {e.Message}";
        }
    }

    [Theory]
    [InlineData("<config><libc/></config>")]
    [InlineData("<config><libc pid=\"1\"><stack at=\"zz\" size=\"1\"/></libc></config>")]
    [InlineData("<config><libc pid=\"1\" pid=\"2\"/></config>")]
    [InlineData("<config><libc pid=\"1\"></config>")]
    [InlineData("not a config")]
    public void A_broken_config_fails_with_the_XML_parsers_reason(string rom)
    {
        var expected = Assert.Throws<PosixException>(() => ConfigRom.Parse(rom));
        var actual = Assert.Throws<PosixException>(() => ConfigRomReader.Read(rom));
        Assert.Equal((expected.Errno, expected.Message), (actual.Errno, actual.Message));
    }
}
