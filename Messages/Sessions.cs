using Akka.Actor;

namespace Fork.Messages;

/// <summary>The service names a child may ask its parent for.</summary>
public static class Services
{
    public const string Clone = "Clone";
    public const string Rom = "ROM";
    public const string Log = "LOG";
    public const string Timer = "Timer";
    public const string Rtc = "RTC";
}

/// <summary>Session labels in Genode's form: "init -> 2 -> binary".</summary>
public static class Labels
{
    public const string Separator = " -> ";

    public static string Last(string label)
    {
        var at = label.LastIndexOf(Separator, StringComparison.Ordinal);
        return at < 0 ? label : label[(at + Separator.Length)..];
    }

    public static string Prefix(string prefix, string label) =>
        label.Length == 0 ? prefix : prefix.Length == 0 ? label : prefix + Separator + label;
}

/// <summary>A child asks its parent for a session; <paramref name="Quota"/> is what the child donates for it.</summary>
public sealed record SessionRequest(string Service, string Label, Quota Quota) : ICrossNode;

public sealed record SessionGranted(string Service, string Label, long SessionId, IActorRef Session) : ICrossNode;

/// <summary>Every refused session request is answered with the reason, never with silence.</summary>
public sealed record SessionDenied(string Service, string Label, string Reason) : ICrossNode;

public sealed record SessionClose(long SessionId) : ICrossNode;

/// <summary>A parent service forwards to a new policy: its process was reparented.</summary>
public sealed record PolicyChanged(IActorRef Policy) : ICrossNode;

/// <summary>The content of a ROM session (the generated config or a loaded object).</summary>
public sealed record RomDataspace(string Name, string Content) : ICrossNode;

public sealed record LogWrite(long SessionId, string Text) : ICrossNode;

public sealed record TimerSleep(long SessionId, TimeSpan Duration, long RequestId) : ICrossNode;

public sealed record TimerFired(long RequestId) : ICrossNode;

public sealed record RtcRead(long SessionId) : ICrossNode;

public sealed record RtcTime(DateTimeOffset Now) : ICrossNode;
