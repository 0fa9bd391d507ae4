using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// The descriptor table: descriptors are this process's; the open file descriptions they name are the namespace file
// system's, shared with forked children (POSIX). The program's libc opens, reads, writes and closes through the table
// itself, straight to the actor that serves each descriptor; the process fills it at boot, copies it at fork and
// empties it at the end.
internal sealed partial class ProcessActor
{
    private readonly DescriptorTable _fds = new();

    private bool OnFiles(object message) => OnDirectories(message);

    /// <summary>The process ended: its descriptors close, in one message to the file system.</summary>
    private void CloseAllDescriptors() =>
        _setup.FileSystem.Tell(new FsProcessEnded(Pid, [.. _fds.TakeAll().Select(d => d.Description)]));
}
