using System.Text;
using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// The config ROM of a starting child (Genode's <c>Child_config</c>): written once the file system has described the
/// descriptors the child inherits; a request that comes first is answered then. A child on another node gets it in one
/// message, so one larger than a message carries (<paramref name="bytesAcross"/>) is denied with the reason: its boot
/// fails and says why, rather than wait for a message the transport dropped.
/// </summary>
internal sealed class ConfigRomState(ChildConfig config, IReadOnlyList<InheritedDescriptor> descriptors, Func<int> bytesAcross)
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
        foreach (var requester in _waiting ?? []) Send(requester, _rom);
        _waiting = null;
    }

    public void Serve(IActorRef requester)
    {
        if (_rom is not null) Send(requester, _rom);
        else (_waiting ??= []).Add(requester);
    }

    private void Send(IActorRef requester, string rom)
    {
        if (requester.Path.Address.HasGlobalScope && Encoding.UTF8.GetByteCount(rom) is var size && size > bytesAcross())
        {
            requester.Tell(new SessionDenied(Services.Rom, "config",
                $"the config ROM is {size} bytes, more than one message to another node carries ({bytesAcross()}): its arguments, environment or descriptors' paths are too long"));
            return;
        }

        requester.Tell(new RomDataspace("config", rom));
    }
}
