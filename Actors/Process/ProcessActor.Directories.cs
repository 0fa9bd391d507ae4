using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

// The directory calls: the path comes joined with the program's cwd, and the file system answers the program
// directly (forwarded), as for read and write.
internal sealed partial class ProcessActor
{
    private bool OnDirectories(object message)
    {
        object? request = message switch
        {
            MakeDirectory r => new FsMkDir(r.Path),
            RemoveDirectory r => new FsRmDir(r.Path),
            UnlinkFile r => new FsUnlink(r.Path),
            RenameFile r => new FsRename(r.From, r.To),
            StatFile r => new FsStat(r.Path),
            ReadDirectory r => new FsReadDir(r.Path),
            ChangeDirectory r => new FsCheckDirectory(r.Path),
            _ => null,
        };
        if (request is null) return false;
        _setup.FileSystem.Forward(request);
        return true;
    }
}
