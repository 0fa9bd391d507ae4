using System.Text;
using System.Xml.Linq;
using CsCheck;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// Every string POSIX lets through (all but NUL in environment values and paths) reaches a forked child exactly:
/// the config ROM keeps Genode's shape for ordinary text and carries the rest as Base64.
/// </summary>
public sealed class AnyStringThroughForkSpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    /// <summary>Letters, the characters XML escapes, and those it cannot hold at all.</summary>
    private static readonly Gen<char> Character = Gen.Frequency(
        (4, Gen.Char['a', 'z']),
        (3, Gen.Char["\u0001\u0002\u001f\uFFFE\uFFFF\uD800\uDBFF\uDC00\uDFFF\t\n\r"]),
        (2, Gen.Char["&<>\"' é→=/."]),
        (1, Gen.Char.Where(c => c != '\0')));

    private static readonly Gen<string> Text = Character.Array[0, 12].Select(chars => new string(chars));

    private static readonly Gen<string> Key = Text.Where(k => k.Length > 0 && !k.Contains('='));

    /// <summary>A name of one directory entry: no '/', not "." or "..", not empty.</summary>
    private static readonly Gen<string> Name = Text.Select(t => t.Replace('/', '_')).Where(n => n.Length > 0 && n is not ("." or ".."));

    private static readonly Gen<(string Key, string Value)[]> Environment = Gen.Select(Key, Text).Array[0, 4];

    [Fact]
    public void Config_rom_round_trips_any_string_of_cwd_paths_args_and_environment()
    {
        Gen.Select(Text, Text, Text.Array[0, 3], Environment).Sample((cwd, path, args, environment) =>
        {
            var env = environment.DistinctBy(e => e.Key).Select(e => KeyValuePair.Create(e.Key, e.Value)).ToList();
            var config = new ChildConfig(2, "/" + cwd, true, [], [new FdNode(3, "/" + path, false, true, false, 0)], null,
                [new MemoryRegion("rw", path, 0x1000, 4096)], [], ChildConfig.ImageNodes([], args, env));

            var parsed = ConfigRom.Parse(ConfigRom.Generate(config));

            Assert.Equal(config.Cwd, parsed.Cwd);
            Assert.Equal(config.Fds, parsed.Fds);
            Assert.Equal(config.Rw, parsed.Rw);
            Assert.Equal(args, parsed.Args);
            Assert.Equal(env, parsed.Environment);
        }, iter: 500);
    }

    [Fact]
    public void Ordinary_text_keeps_Genodes_plain_attributes()
    {
        var config = new ChildConfig(2, "/home/a&b", true, [], [], null, [], [],
            ChildConfig.ImageNodes([], ["x<y"], [KeyValuePair.Create("WIZARD", "gandalf \"grey\"")]));

        var rom = ConfigRom.Generate(config);

        Assert.DoesNotContain(ConfigRom.EncodedSuffix, rom);
        Assert.Contains("<env key=\"WIZARD\" value=\"gandalf &quot;grey&quot;\"/>", rom);
        Assert.Equal("/home/a&b", (string?)XElement.Parse(rom).Element("libc")!.Attribute("cwd"));
    }

    [Fact]
    public void Text_xml_cannot_hold_is_written_as_base64_of_its_utf16_units()
    {
        var config = new ChildConfig(2, "/", true, [], [], null, [], [],
            ChildConfig.ImageNodes([], [], [KeyValuePair.Create("K", "a\u0001")]));

        var rom = ConfigRom.Generate(config);

        Assert.Contains("<env key=\"K\" value-base64=\"YQABAA==\"/>", rom);
    }

    [Fact]
    public async Task A_child_sees_exactly_the_environment_cwd_and_files_its_parent_had()
    {
        await Gen.Select(Environment, Name, Name, Text.Array[0, 3]).SampleAsync(async (environment, directory, file, args) =>
        {
            var env = environment.DistinctBy(e => e.Key).ToDictionary(e => e.Key, e => e.Value);
            string? mismatch = null;
            var status = await Run(async libc =>
            {
                foreach (var (key, value) in env) libc.Environment[key] = value;
                await libc.MkDirAsync(directory);
                libc.ChDir(directory);
                var fd = await libc.OpenAsync(file, OpenFlags.ReadWrite | OpenFlags.Create);
                await libc.WriteAsync(fd, Encoding.UTF8.GetBytes("x"));
                var expectedEnvironment = libc.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
                var child = await libc.ForkAsync(async c =>
                {
                    var seen = c.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
                    if (!seen.SequenceEqual(expectedEnvironment)) mismatch = "environment differs";
                    else if (c.Cwd != "/" + directory) mismatch = $"cwd is {c.Cwd}";
                    else if (!c.Args.SequenceEqual(args)) mismatch = "args differ";
                    else if ((await c.StatAsync(file)).Size != 1) mismatch = "file differs";
                    else if (await c.SeekAsync(fd, 0, SeekOrigin.Current) != 1) mismatch = "offset differs";
                    return mismatch is null ? 0 : 1;
                });
                return (await libc.Wait4Async(child)).Status.ExitCode;
            }, new ProcessOptions { Args = args });

            Assert.True(mismatch is null, mismatch);
            Assert.Equal(WaitStatus.FromExit(0), status);
        }, iter: 40, threads: 1);
    }

    [Fact]
    public Task NUL_is_EINVAL_where_it_is_set_not_at_fork() => RunToSuccess(async libc =>
    {
        Assert.Equal(Errno.EINVAL, Assert.Throws<PosixException>(() => libc.Environment["A"] = "x\0y").Errno);
        Assert.Equal(Errno.EINVAL, Assert.Throws<PosixException>(() => libc.Environment["A\0"] = "x").Errno);
        Assert.Equal(Errno.EINVAL, Assert.Throws<PosixException>(() => libc.Environment.Add("A=B", "x")).Errno);
        Assert.Equal(Errno.EINVAL, Assert.Throws<PosixException>(() => libc.ChDir("/tmp\0")).Errno);
        Assert.Equal(Errno.EINVAL, await PosixHelpers.ErrnoOf(() => libc.MkDirAsync("/tmp/\0")));
        var child = await libc.ForkAsync(_ => Task.FromResult(5));
        Assert.Equal(WaitStatus.FromExit(5), (await libc.Wait4Async(child)).Status);
        return 0;
    });
}
