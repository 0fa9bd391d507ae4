using System.Collections.Concurrent;
using Akka.Actor;

namespace Fork.Bench;

/// <summary>
/// The actors under /user of a system, found level by level with Identify sent to the ActorSelection "PATH/*"; the
/// replies go to a collector made with SystemActorOf, so it lives under /system and is not counted.
/// </summary>
internal static class UserActors
{
    /// <summary>A level is complete once no reply came for this long.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    /// <summary>Paths of the direct children of /user and of every descendant of them.</summary>
    public static async Task<(IReadOnlyList<string> Top, IReadOnlyList<string> All)> ListAsync(ActorSystem system)
    {
        var replies = new ConcurrentQueue<string>();
        var collector = ((ExtendedActorSystem)system).SystemActorOf(Props.Create(() => new Collector(replies)), $"user-actors-{Guid.NewGuid():N}");
        var all = new List<string>();
        List<string>? top = null;
        var level = new List<string> { "/user" };
        while (level.Count > 0)
        {
            foreach (var path in level) system.ActorSelection(path + "/*").Tell(new Identify(path), collector);
            for (var seen = -1; replies.Count != seen;)
            {
                seen = replies.Count;
                await Task.Delay(Quiet);
            }

            var next = new List<string>();
            while (replies.TryDequeue(out var path)) next.Add(path);
            top ??= next;
            all.AddRange(next);
            level = next;
        }

        collector.Tell(PoisonPill.Instance);
        return (top ?? [], all);
    }

    private sealed class Collector(ConcurrentQueue<string> replies) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is ActorIdentity { Subject: { } subject }) replies.Enqueue(subject.Path.ToStringWithoutAddress());
        }
    }
}
