using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// The directory calls: the path comes joined with the program's cwd, and the file system answers the program
// directly (forwarded), as for read and write.
internal sealed partial class ProcessActor
{
    private void ReceiveDirectories()
    {
        Receive<MakeDirectory>(r => _setup.FileSystem.Forward(new FsMkDir(r.Path)));
        Receive<RemoveDirectory>(r => _setup.FileSystem.Forward(new FsRmDir(r.Path)));
        Receive<UnlinkFile>(r => _setup.FileSystem.Forward(new FsUnlink(r.Path)));
        Receive<RenameFile>(r => _setup.FileSystem.Forward(new FsRename(r.From, r.To)));
        Receive<StatFile>(r => _setup.FileSystem.Forward(new FsStat(r.Path)));
        Receive<ReadDirectory>(r => _setup.FileSystem.Forward(new FsReadDir(r.Path)));
        Receive<ChangeDirectory>(r => _setup.FileSystem.Forward(new FsCheckDirectory(r.Path)));
    }
}
