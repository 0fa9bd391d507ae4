using System.Text;
using Akka.Actor;
using Fork.Actors;
using Fork.Messages;
using Xunit;

namespace Fork.Tests;

public sealed class FileSystemActorSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Parked = TimeSpan.FromMilliseconds(100);

    private readonly IActorRef _fs;

    public FileSystemActorSpec() => _fs = Sys.ActorOf(FileSystemActor.Props());

    [Fact]
    public void Opening_a_missing_file_without_create_fails_with_ENOENT()
    {
        Send(new FsOpen("/missing", OpenFlags.ReadOnly));

        Assert.Equal(Errno.ENOENT, ExpectMsg<LibcError>().Errno);
    }

    [Fact]
    public void Opening_with_create_makes_an_empty_file()
    {
        var created = Open("/new", OpenFlags.ReadWrite | OpenFlags.Create);
        var reopened = Open("/new", OpenFlags.ReadOnly);

        Assert.Empty(Read(reopened, 10));
        Assert.True(reopened > created);
    }

    [Fact]
    public void Description_ids_increase_from_one()
    {
        Assert.Equal(1, Open("/a", OpenFlags.WriteOnly | OpenFlags.Create));
        Send(FsPipe.Instance);
        var pipe = ExpectMsg<PipeCreated>();
        Assert.Equal((2L, 3L), (pipe.ReadDescription, pipe.WriteDescription));
        Assert.Equal(4, Open("/a", OpenFlags.ReadOnly));
    }

    [Fact]
    public void Relative_path_is_EINVAL()
    {
        Send(new FsOpen("relative", OpenFlags.ReadWrite | OpenFlags.Create));

        Assert.Equal(Errno.EINVAL, ExpectMsg<LibcError>().Errno);
    }

    [Fact]
    public void Root_is_a_directory_that_cannot_be_written_or_read()
    {
        Send(new FsOpen("/", OpenFlags.WriteOnly));
        Assert.Equal(Errno.EISDIR, ExpectMsg<LibcError>().Errno);

        var root = Open("/", OpenFlags.ReadOnly);
        Send(new FsRead(root, 10, 1));
        Assert.Equal(Errno.EISDIR, ExpectMsg<LibcError>().Errno);
    }

    [Fact]
    public void Written_data_is_read_back_after_a_seek()
    {
        var fd = Open("/seek_test", OpenFlags.ReadWrite | OpenFlags.Create);

        Assert.Equal(11, Write(fd, "hello world"));
        Assert.Equal(6, Seek(fd, 6, SeekOrigin.Begin));
        Assert.Equal("world", Text(Read(fd, 100)));
        Assert.Empty(Read(fd, 100));
        Assert.Equal(9, Seek(fd, -2, SeekOrigin.End));
        Assert.Equal(7, Seek(fd, -2, SeekOrigin.Current));
        Assert.Equal("or", Text(Read(fd, 2)));
    }

    [Fact]
    public void Write_beyond_the_end_fills_the_gap_with_zeros()
    {
        var fd = Open("/gap", OpenFlags.ReadWrite | OpenFlags.Create);
        Seek(fd, 3, SeekOrigin.Begin);
        Write(fd, "x");
        Seek(fd, 0, SeekOrigin.Begin);

        Assert.Equal(new byte[] { 0, 0, 0, (byte)'x' }, Read(fd, 10));
    }

    [Fact]
    public void Writing_zero_bytes_past_the_end_does_not_grow_the_file()
    {
        var fd = Open("/empty_write", OpenFlags.ReadWrite | OpenFlags.Create);
        Seek(fd, 10, SeekOrigin.Begin);

        Assert.Equal(0, Write(fd, ""));
        Assert.Equal(0, Seek(fd, 0, SeekOrigin.End));
    }

    [Fact]
    public void Retained_description_shares_its_offset()
    {
        var fd = Open("/shared", OpenFlags.ReadWrite | OpenFlags.Create);
        Write(fd, "abcdef");
        Seek(fd, 0, SeekOrigin.Begin);

        Send(new FsRetain([fd]));
        Send(new FsRetain([fd]));
        Assert.Equal("ab", Text(Read(fd, 2)));
        Send(new FsRelease(fd));
        Assert.Equal("cd", Text(Read(fd, 2)));

        Send(new FsDescribe([fd], Retain: false));
        Assert.Equal(4, ExpectMsg<Described>().Descriptions.Single().Offset);
    }

    [Fact]
    public void Truncate_empties_a_file_opened_for_writing_only()
    {
        Write(Open("/trunc", OpenFlags.WriteOnly | OpenFlags.Create), "old contents");

        var reader = Open("/trunc", OpenFlags.ReadOnly | OpenFlags.Truncate);
        Assert.Equal("old contents", Text(Read(reader, 100)));

        Open("/trunc", OpenFlags.WriteOnly | OpenFlags.Truncate);
        Assert.Empty(Read(Open("/trunc", OpenFlags.ReadOnly), 100));
    }

    [Fact]
    public void Append_writes_at_the_end_whatever_the_offset()
    {
        var writer = Open("/log", OpenFlags.WriteOnly | OpenFlags.Create);
        var appender = Open("/log", OpenFlags.WriteOnly | OpenFlags.Append);
        Write(writer, "one ");
        Write(appender, "two ");
        Write(writer, "XXXX");
        Seek(appender, 0, SeekOrigin.Begin);
        Write(appender, "three");

        Assert.Equal("one XXXXthree", Text(Read(Open("/log", OpenFlags.ReadOnly), 100)));
    }

    [Fact]
    public void Seek_on_a_pipe_is_ESPIPE()
    {
        var (read, write) = Pipe();

        Send(new FsSeek(read, 0, SeekOrigin.Begin));
        Assert.Equal(Errno.ESPIPE, ExpectMsg<LibcError>().Errno);
        Send(new FsSeek(write, 0, SeekOrigin.Current));
        Assert.Equal(Errno.ESPIPE, ExpectMsg<LibcError>().Errno);
    }

    [Fact]
    public void Seek_to_a_negative_offset_is_EINVAL_and_keeps_the_offset()
    {
        var fd = Open("/neg", OpenFlags.ReadWrite | OpenFlags.Create);
        Write(fd, "abc");

        Send(new FsSeek(fd, -4, SeekOrigin.Current));
        Assert.Equal(Errno.EINVAL, ExpectMsg<LibcError>().Errno);
        Send(new FsSeek(fd, -1, SeekOrigin.Begin));
        Assert.Equal(Errno.EINVAL, ExpectMsg<LibcError>().Errno);
        Assert.Equal(3, Seek(fd, 0, SeekOrigin.Current));
    }

    [Fact]
    public void Unknown_or_released_description_is_EBADF()
    {
        var fd = Open("/closed", OpenFlags.ReadWrite | OpenFlags.Create);
        Send(new FsRelease(fd));

        foreach (var id in new[] { fd, 42L })
        {
            Send(new FsRead(id, 1, 1));
            Assert.Equal(Errno.EBADF, ExpectMsg<LibcError>().Errno);
            Send(new FsWrite(id, [1]));
            Assert.Equal(Errno.EBADF, ExpectMsg<LibcError>().Errno);
            Send(new FsSeek(id, 0, SeekOrigin.Begin));
            Assert.Equal(Errno.EBADF, ExpectMsg<LibcError>().Errno);
        }
    }

    [Fact]
    public void Wrong_access_mode_is_EBADF()
    {
        var writeOnly = Open("/access", OpenFlags.WriteOnly | OpenFlags.Create);
        var readOnly = Open("/access", OpenFlags.ReadOnly);
        var (readEnd, writeEnd) = Pipe();

        foreach (var fd in new[] { writeOnly, writeEnd })
        {
            Send(new FsRead(fd, 1, 1));
            Assert.Equal(Errno.EBADF, ExpectMsg<LibcError>().Errno);
        }

        foreach (var fd in new[] { readOnly, readEnd })
        {
            Send(new FsWrite(fd, [1]));
            Assert.Equal(Errno.EBADF, ExpectMsg<LibcError>().Errno);
        }
    }

    [Fact]
    public void Read_with_a_negative_count_is_EINVAL()
    {
        var fd = Open("/count", OpenFlags.ReadOnly | OpenFlags.Create);

        Send(new FsRead(fd, -1, 1));
        Assert.Equal(Errno.EINVAL, ExpectMsg<LibcError>().Errno);
    }

    [Fact]
    public void Write_that_grows_a_file_beyond_64_MiB_is_EFBIG()
    {
        var fd = Open("/big", OpenFlags.ReadWrite | OpenFlags.Create);
        Seek(fd, 64L * 1024 * 1024, SeekOrigin.Begin);

        Send(new FsWrite(fd, [1]));
        Assert.Equal(Errno.EFBIG, ExpectMsg<LibcError>().Errno);
    }

    [Fact]
    public void Pipe_ends_are_described_with_their_pipe_name()
    {
        var (read, write) = Pipe();
        var (secondRead, _) = Pipe();

        Send(new FsDescribe([write, read, secondRead], Retain: false));

        Assert.Equal(
            [new(write, "pipe:[1]", OpenFlags.WriteOnly, 0), new(read, "pipe:[1]", OpenFlags.ReadOnly, 0), new DescriptionInfo(secondRead, "pipe:[2]", OpenFlags.ReadOnly, 0)],
            ExpectMsg<Described>().Descriptions);
    }

    [Fact]
    public void Read_on_a_pipe_returns_buffered_data_at_once()
    {
        var (read, write) = Pipe();
        Assert.Equal(5, Write(write, "hello"));
        Write(write, " pipe");

        Assert.Equal("hel", Text(Read(read, 3)));
        Assert.Equal("lo pipe", Text(Read(read, 100)));
    }

    [Fact]
    public void Read_on_an_empty_pipe_waits_for_data()
    {
        var (read, write) = Pipe();
        var reader = CreateTestProbe();

        _fs.Tell(new FsRead(read, 10, 7), reader);
        reader.ExpectNoMsg(Parked);
        Write(write, "data");

        Assert.Equal("data", Text(reader.ExpectMsg<DataRead>().Data));
    }

    [Fact]
    public void Read_of_count_zero_on_an_empty_pipe_returns_at_once()
    {
        var (read, _) = Pipe();

        Assert.Empty(Read(read, 0));
    }

    [Fact]
    public void Parked_reads_are_served_in_FIFO_order()
    {
        var (read, write) = Pipe();
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        _fs.Tell(new FsRead(read, 2, 7), first);
        _fs.Tell(new FsRead(read, 10, 8), second);
        first.ExpectNoMsg(Parked);

        Write(write, "abcdef");

        Assert.Equal("ab", Text(first.ExpectMsg<DataRead>().Data));
        Assert.Equal("cdef", Text(second.ExpectMsg<DataRead>().Data));
    }

    [Fact]
    public void Releasing_the_last_writer_gives_EOF_to_a_parked_read()
    {
        var (read, write) = Pipe();
        var reader = CreateTestProbe();
        _fs.Tell(new FsRead(read, 10, 7), reader);
        reader.ExpectNoMsg(Parked);

        Send(new FsRelease(write));

        Assert.Empty(reader.ExpectMsg<DataRead>().Data);
    }

    [Fact]
    public void Read_on_an_empty_pipe_without_writers_is_EOF_at_once()
    {
        var (read, write) = Pipe();
        Write(write, "last");
        Send(new FsRelease(write));

        Assert.Equal("last", Text(Read(read, 10)));
        Assert.Empty(Read(read, 10));
    }

    [Fact]
    public void Write_to_a_pipe_without_readers_is_EPIPE()
    {
        var (read, write) = Pipe();
        Send(new FsRelease(read));

        Send(new FsWrite(write, [1, 2]));

        Assert.Equal(Errno.EPIPE, ExpectMsg<LibcError>().Errno);
    }

    [Fact]
    public void Retained_write_end_needs_two_releases_for_EOF()
    {
        var (read, write) = Pipe();
        var reader = CreateTestProbe();
        Send(new FsRetain([write]));
        _fs.Tell(new FsRead(read, 10, 7), reader);

        Send(new FsRelease(write));
        reader.ExpectNoMsg(Parked);
        Send(new FsRelease(write));

        Assert.Empty(reader.ExpectMsg<DataRead>().Data);
    }

    [Fact]
    public void An_interrupt_answers_the_parked_read_of_its_caller_only_and_the_data_goes_to_the_next_reader()
    {
        var (read, write, pipe) = PipeWithActor();
        var interrupted = CreateTestProbe();
        var survivor = CreateTestProbe();
        _fs.Tell(new FsRead(read, 10, 7), interrupted);
        _fs.Tell(new FsRead(read, 10, 8), survivor);
        interrupted.ExpectNoMsg(Parked);

        pipe.Tell(Interrupt.Instance, interrupted);

        Assert.Equal(Interrupted.Nothing, interrupted.ExpectMsg<Interrupted>());
        survivor.ExpectNoMsg(Parked);
        Write(write, "x");
        Assert.Equal("x", Text(survivor.ExpectMsg<DataRead>().Data));
        // An interrupt for a call that is not parked (answered already) changes nothing.
        pipe.Tell(Interrupt.Instance, survivor);
        survivor.ExpectNoMsg(Parked);
    }

    [Fact]
    public void FsProcessEnded_closes_its_descriptors_and_the_last_write_end_is_EOF_for_the_reader_left()
    {
        var (read, write) = Pipe();
        var reader = CreateTestProbe();
        _fs.Tell(new FsRead(read, 10, 8), reader);
        reader.ExpectNoMsg(Parked);

        // Process 7 held the write end, the last one.
        Send(new FsProcessEnded(7, [write]));

        Assert.Empty(reader.ExpectMsg<DataRead>().Data);
    }

    [Fact]
    public void A_write_parked_on_a_full_pipe_is_interrupted_with_the_bytes_it_moved()
    {
        var (read, write, pipe) = PipeWithActor();
        var writer = CreateTestProbe();
        _fs.Tell(new FsWrite(write, new byte[Fork.Actors.Pipe.Capacity + 100]), writer);
        writer.ExpectNoMsg(Parked);

        pipe.Tell(Interrupt.Instance, writer);

        Assert.Equal(new Interrupted(Fork.Actors.Pipe.Capacity), writer.ExpectMsg<Interrupted>());
        Assert.Equal(Fork.Actors.Pipe.Capacity, Read(read, 2 * Fork.Actors.Pipe.Capacity).Length);
    }

    [Fact]
    public void FsDescribe_with_retain_skips_unknown_ids_and_keeps_descriptions_open()
    {
        var file = Open("/described", OpenFlags.ReadWrite | OpenFlags.Create | OpenFlags.CloseOnExec);
        Write(file, "12345");
        var (_, write) = Pipe();

        Send(new FsDescribe([file, 99, write], Retain: true));
        Assert.Equal(
            [new(file, "/described", OpenFlags.ReadWrite | OpenFlags.Create | OpenFlags.CloseOnExec, 5), new DescriptionInfo(write, "pipe:[1]", OpenFlags.WriteOnly, 0)],
            ExpectMsg<Described>().Descriptions);

        Send(new FsRelease(file));
        Send(new FsRelease(write));
        Assert.Equal(1, Write(write, "y"));
        Assert.Equal(5, Seek(file, 0, SeekOrigin.Current));
    }

    private void Send(object message) => _fs.Tell(message, TestActor);

    private long Open(string path, OpenFlags flags)
    {
        Send(new FsOpen(path, flags));
        return ExpectMsg<DescriptionOpened>().Description;
    }

    private (long Read, long Write) Pipe()
    {
        var (read, write, _) = PipeWithActor();
        return (read, write);
    }

    private (long Read, long Write, IActorRef Pipe) PipeWithActor()
    {
        Send(FsPipe.Instance);
        var created = ExpectMsg<PipeCreated>();
        return (created.ReadDescription, created.WriteDescription, created.Pipe);
    }

    private byte[] Read(long description, int count)
    {
        Send(new FsRead(description, count, 1));
        return ExpectMsg<DataRead>().Data;
    }

    private long Write(long description, string text)
    {
        Send(new FsWrite(description, Encoding.ASCII.GetBytes(text)));
        return ExpectMsg<LibcOk>().Value;
    }

    private long Seek(long description, long offset, SeekOrigin origin)
    {
        Send(new FsSeek(description, offset, origin));
        return ExpectMsg<LibcOk>().Value;
    }

    private static string Text(byte[] data) => Encoding.ASCII.GetString(data);
}
