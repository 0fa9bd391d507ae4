using Akka.Actor;

namespace Fork.Bench;

/// <summary>
/// The actors under /user of a system, found level by level with Identify sent to the ActorSelection "PATH/*"; the
/// replies go to an Inbox, whose actor lives under /system and so is not counted.
/// </summary>
internal static class UserActors
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    /// <summary>Paths of the direct children of /user and of every descendant of them.</summary>
    public static async Task<(IReadOnlyList<string> Top, IReadOnlyList<string> All)> ListAsync(ActorSystem system)
    {
        using var inbox = Inbox.Create(system);
        var all = new List<string>();
        List<string>? top = null;
        var level = new List<string> { "/user" };
        while (level.Count > 0)
        {
            foreach (var path in level) system.ActorSelection(path + "/*").Tell(new Identify(path), inbox.Receiver);
            var next = new List<string>();
            while (await ReceiveAsync(inbox) is { } message)
            {
                if (message is ActorIdentity { Subject: { } subject }) next.Add(subject.Path.ToStringWithoutAddress());
            }

            top ??= next;
            all.AddRange(next);
            level = next;
        }

        return (top ?? [], all);
    }

    /// <summary>The next reply, or null once none came for <see cref="Quiet"/>.</summary>
    private static async Task<object?> ReceiveAsync(Inbox inbox)
    {
        try
        {
            return await inbox.ReceiveAsync(Quiet);
        }
        catch (Exception e) when (e is TimeoutException or AskTimeoutException)
        {
            return null;
        }
    }
}
