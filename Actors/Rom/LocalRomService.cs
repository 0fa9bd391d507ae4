using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>Genode's <c>Local_rom_service</c>: serves one loaded object of the parent to its children, matched by the label's last element.</summary>
internal sealed class LocalRomService : TracedActor
{
    private readonly int _parentPid;

    public LocalRomService(int parentPid, string name, string content)
    {
        _parentPid = parentPid;
        Receive<SessionRequest>(r => r.Service == Services.Rom && Labels.Last(r.Label) == name,
            _ => Sender.Tell(new RomDataspace(name, content)));
        Receive<SessionRequest>(r => Sender.Tell(new SessionDenied(r.Service, r.Label, $"this ROM service serves only \"{name}\"")));
    }

    protected override int TracePid => _parentPid;

    public static Props Props(int parentPid, string name, string content) =>
        FactoryProps.Of(() => new LocalRomService(parentPid, name, content));
}
