using Fork.Actors;
using Fork.Messages;
using Xunit;

namespace Fork.Tests;

/// <summary>The directory tree alone, without actors: lookups, link counts and the limits.</summary>
public sealed class FileTreeSpec
{
    private readonly FileTree _tree = new();

    [Fact]
    public void Dot_dot_of_the_root_is_the_root_and_dot_dot_goes_through_the_directory_before_it()
    {
        Assert.Null(_tree.Existing("/../../tmp/.", out var tmp));
        Assert.Same(_tree.Root.Entries!["tmp"], tmp);
        Assert.Equal(Errno.ENOENT, _tree.Existing("/missing/../tmp", out _)?.Errno);
        Assert.Equal(Errno.ENOTDIR, _tree.Existing("/dev/null/../zero", out _)?.Errno);
    }

    [Fact]
    public void A_directory_counts_itself_its_dot_and_each_subdirectorys_dot_dot()
    {
        Assert.Equal(6, _tree.Root.Status().Links);
        Assert.Null(_tree.MakeDirectory("/tmp/a"));
        Assert.Null(_tree.MakeDirectory("/tmp/b"));
        Assert.Equal(4, _tree.Existing("/tmp", out var tmp) is null ? tmp.Links : 0);
        Assert.Null(_tree.Rename("/tmp/a", "/a"));
        Assert.Equal(3, tmp.Links);
        Assert.Equal(7, _tree.Root.Links);
        Assert.Null(_tree.RemoveDirectory("/a"));
        Assert.Equal(6, _tree.Root.Links);
    }

    [Fact]
    public void Making_the_directories_of_a_path_makes_each_missing_one()
    {
        _tree.MakeDirectories("/srv/app/data");

        Assert.Null(_tree.Existing("/srv/app/data", out var data));
        Assert.Equal(FileKind.Directory, data.Kind);
    }

    [Fact]
    public void Renaming_a_name_onto_itself_changes_nothing()
    {
        Assert.Null(_tree.MakeDirectory("/tmp/a"));

        Assert.Null(_tree.Rename("/tmp/a", "/tmp/./a"));
        Assert.Equal(["a"], _tree.Root.Entries!["tmp"].Entries!.Keys);
    }

    [Fact]
    public void An_unlinked_file_gives_its_bytes_back_when_its_last_description_closes()
    {
        Assert.Null(_tree.Find("/tmp/f", out var at));
        Assert.Null(_tree.CreateFile(at, out var file));
        var description = new FileDescription(1, "/tmp/f", OpenFlags.ReadWrite, file);
        description.Write(new byte[1000]);
        Assert.Equal(1000, _tree.Space.Used);

        Assert.Null(_tree.UnlinkFile("/tmp/f"));
        Assert.Equal(1000, _tree.Space.Used);
        description.Close();

        Assert.Equal(0, _tree.Space.Used);
    }
}
