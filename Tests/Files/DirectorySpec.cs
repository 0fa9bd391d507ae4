using System.Text;
using Fork.Actors;
using Fork.Messages;
using Xunit;
using Xunit.Abstractions;
using static Fork.Tests.PosixHelpers;

namespace Fork.Tests;

/// <summary>The namespace's directory tree at the Libc level, with Linux errnos.</summary>
public sealed class DirectorySpec(ITestOutputHelper output) : RuntimeSpec(output)
{
    [Fact]
    public Task The_tree_starts_with_bin_dev_proc_tmp_and_the_devices() => RunToSuccess(async libc =>
    {
        Assert.Equal(["bin", "dev", "proc", "tmp"], await libc.ReadDirAsync("/"));
        Assert.Equal(["null", "zero"], await libc.ReadDirAsync("/dev"));
        Assert.Equal(FileKind.Directory, (await libc.StatAsync("/dev")).Kind);
        Assert.Equal(new FileStatus(FileKind.CharacterDevice, 0, 1), await libc.StatAsync("/dev/null"));
        var zero = await libc.OpenAsync("/dev/zero", OpenFlags.ReadOnly);
        var bytes = new byte[] { 7, 7, 7 };
        Assert.Equal(3, await libc.ReadAsync(zero, bytes));
        Assert.Equal(new byte[3], bytes);
        return 0;
    });

    [Fact]
    public Task Open_with_create_needs_every_directory_on_the_way() => RunToSuccess(async libc =>
    {
        Assert.Equal(Errno.ENOENT, await ErrnoOf(() => libc.OpenAsync("/nodir/x", OpenFlags.WriteOnly | OpenFlags.Create)));
        Assert.Equal(Errno.ENOTDIR, await ErrnoOf(() => libc.OpenAsync("/dev/null/x", OpenFlags.WriteOnly | OpenFlags.Create)));
        await libc.CloseAsync(await libc.OpenAsync("/file", OpenFlags.WriteOnly | OpenFlags.Create));
        Assert.Equal(Errno.ENOTDIR, await ErrnoOf(() => libc.OpenAsync("/file/..", OpenFlags.ReadOnly)));
        Assert.Equal(Errno.ENOTDIR, await ErrnoOf(() => libc.OpenAsync("/file/", OpenFlags.ReadOnly)));
        Assert.Equal(Errno.EISDIR, await ErrnoOf(() => libc.OpenAsync("/tmp", OpenFlags.WriteOnly)));
        return 0;
    });

    [Fact]
    public Task Names_and_paths_beyond_Linux_limits_are_ENAMETOOLONG_and_NUL_is_EINVAL() => RunToSuccess(async libc =>
    {
        Assert.Equal(Errno.ENAMETOOLONG, await ErrnoOf(() => libc.OpenAsync("/" + new string('a', 100_000), OpenFlags.WriteOnly | OpenFlags.Create)));
        Assert.Equal(Errno.ENAMETOOLONG, await ErrnoOf(() => libc.MkDirAsync("/tmp/" + new string('b', 256))));
        Assert.Equal(Errno.ENAMETOOLONG, await ErrnoOf(() => libc.MkDirAsync("/tmp/" + new string('é', 128))));
        Assert.Equal(Errno.ENAMETOOLONG, await ErrnoOf(() => libc.StatAsync(string.Concat(Enumerable.Repeat("/tmp", 1024)))));
        Assert.Equal(Errno.None, await ErrnoOf(() => libc.MkDirAsync("/tmp/" + new string('c', 255))));
        Assert.Equal(Errno.EINVAL, await ErrnoOf(() => libc.OpenAsync("/tmp/a\0b", OpenFlags.WriteOnly | OpenFlags.Create)));
        Assert.Equal(Errno.ENOENT, await ErrnoOf(() => libc.StatAsync("")));
        return 0;
    });

    [Fact]
    public Task Mkdir_rmdir_and_their_errors() => RunToSuccess(async libc =>
    {
        await libc.MkDirAsync("/a");
        await libc.MkDirAsync("/a/b");
        Assert.Equal(Errno.EEXIST, await ErrnoOf(() => libc.MkDirAsync("/a")));
        Assert.Equal(Errno.EEXIST, await ErrnoOf(() => libc.MkDirAsync("/")));
        Assert.Equal(Errno.ENOENT, await ErrnoOf(() => libc.MkDirAsync("/x/y")));
        Assert.Equal(new FileStatus(FileKind.Directory, 1, 3), await libc.StatAsync("/a"));
        Assert.Equal(Errno.ENOTEMPTY, await ErrnoOf(() => libc.RmDirAsync("/a")));
        await libc.CloseAsync(await libc.OpenAsync("/a/b/f", OpenFlags.WriteOnly | OpenFlags.Create));
        Assert.Equal(Errno.ENOTDIR, await ErrnoOf(() => libc.RmDirAsync("/a/b/f")));
        Assert.Equal(Errno.EISDIR, await ErrnoOf(() => libc.UnlinkAsync("/a/b")));
        Assert.Equal(Errno.EBUSY, await ErrnoOf(() => libc.RmDirAsync("/")));
        await libc.UnlinkAsync("/a/b/f");
        await libc.RmDirAsync("/a/b");
        await libc.RmDirAsync("/a");
        Assert.Equal(Errno.ENOENT, await ErrnoOf(() => libc.StatAsync("/a")));
        return 0;
    });

    [Fact]
    public Task Chdir_to_a_missing_directory_or_a_file_fails_and_keeps_the_cwd() => RunToSuccess(async libc =>
    {
        libc.ChDir("/nonexistent");
        Assert.Equal(Errno.ENOENT, await ErrnoOf(() => libc.StatAsync(".")));
        Assert.Equal("/", libc.Cwd);
        libc.ChDir("/dev/null");
        Assert.Equal(Errno.ENOTDIR, await ErrnoOf(() => libc.ReadDirAsync(".")));
        Assert.Equal("/", libc.Cwd);
        Assert.Throws<PosixException>(() => libc.ChDir("/tmp\0"));
        libc.ChDir("/dev");
        Assert.Equal(["null", "zero"], await libc.ReadDirAsync("."));
        libc.ChDir("../tmp/./");
        Assert.Equal("/tmp", libc.Cwd);
        Assert.Equal(FileKind.Directory, (await libc.StatAsync("..")).Kind);
        return 0;
    });

    [Fact]
    public Task An_unlinked_file_stays_readable_through_open_descriptors_until_the_last_closes() => RunToSuccess(async libc =>
    {
        var fd = await libc.OpenAsync("/tmp/gone", OpenFlags.ReadWrite | OpenFlags.Create);
        await libc.WriteAsync(fd, "still here"u8.ToArray());
        await libc.UnlinkAsync("/tmp/gone");
        Assert.Equal(Errno.ENOENT, await ErrnoOf(() => libc.StatAsync("/tmp/gone")));
        Assert.Empty(await libc.ReadDirAsync("/tmp"));
        var child = await libc.ForkAsync(async c =>
        {
            await c.SeekAsync(fd, 0, SeekOrigin.Begin);
            return await c.ReadToEnd(fd) == "still here" ? 0 : 1;
        });
        Assert.Equal(WaitStatus.FromExit(0), (await libc.Wait4Async(child)).Status);
        await libc.CloseAsync(fd);
        return 0;
    });

    [Fact]
    public Task Rename_moves_files_and_directories_with_POSIX_rules() => RunToSuccess(async libc =>
    {
        await libc.MkDirAsync("/d");
        await libc.MkDirAsync("/e");
        var fd = await libc.OpenAsync("/d/f", OpenFlags.WriteOnly | OpenFlags.Create);
        await libc.WriteAsync(fd, "abc"u8.ToArray());
        await libc.RenameAsync("/d/f", "/e/g");
        Assert.Equal(new FileStatus(FileKind.RegularFile, 3, 1), await libc.StatAsync("/e/g"));
        Assert.Equal(Errno.EINVAL, await ErrnoOf(() => libc.RenameAsync("/d", "/d/inside")));
        Assert.Equal(Errno.EISDIR, await ErrnoOf(() => libc.RenameAsync("/e/g", "/d")));
        Assert.Equal(Errno.ENOTDIR, await ErrnoOf(() => libc.RenameAsync("/d", "/e/g")));
        Assert.Equal(Errno.ENOTEMPTY, await ErrnoOf(() => libc.RenameAsync("/d", "/e")));
        Assert.Equal(Errno.ENOENT, await ErrnoOf(() => libc.RenameAsync("/missing", "/x")));
        await libc.RenameAsync("/d", "/tmp/d2");
        Assert.Equal(["d2"], await libc.ReadDirAsync("/tmp"));
        Assert.Equal(3, (await libc.StatAsync("/tmp")).Links);
        return 0;
    });

    [Fact]
    public async Task Relative_paths_of_a_process_started_in_a_missing_cwd_find_it_made()
    {
        var status = await Run(async libc =>
        {
            var fd = await libc.OpenAsync("here", OpenFlags.WriteOnly | OpenFlags.Create);
            await libc.WriteAsync(fd, Encoding.UTF8.GetBytes("x"));
            return (await libc.StatAsync("/srv/app/here")).Size == 1 ? 0 : 1;
        }, new ProcessOptions { Cwd = "/srv/app" });

        Assert.Equal(WaitStatus.FromExit(0), status);
    }
}
