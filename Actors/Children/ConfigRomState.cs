using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// The config ROM of a starting child (Genode's <c>Child_config</c>): written once the file system has described the
/// descriptors the child inherits; a request that comes first is answered then.
/// </summary>
internal sealed class ConfigRomState(ChildConfig config, IReadOnlyList<InheritedDescriptor> descriptors)
{
    private string? _rom;
    private List<IActorRef>? _waiting;

    public void Describe(IReadOnlyList<DescriptionInfo> described)
    {
        if (_rom is not null) return;
        var info = described.ToDictionary(d => d.Description);
        var fds = new List<FdNode>(descriptors.Count);
        foreach (var fd in descriptors)
        {
            if (!info.TryGetValue(fd.Description, out var d)) continue;
            fds.Add(new FdNode(fd.Fd, d.Path, fd.CloseOnExec, d.Flags.CanRead(), d.Flags.CanWrite(), d.Offset));
        }

        _rom = ConfigRom.Generate(config with { Fds = fds });
        foreach (var requester in _waiting ?? []) requester.Tell(new RomDataspace("config", _rom));
        _waiting = null;
    }

    public void Serve(IActorRef requester)
    {
        if (_rom is not null) requester.Tell(new RomDataspace("config", _rom));
        else (_waiting ??= []).Add(requester);
    }
}
