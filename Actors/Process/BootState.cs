using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>What a booting process still waits for: its config, its ROMs and, when cloned, its memory and descriptors.</summary>
internal sealed class BootState
{
    public HashSet<string> PendingRoms { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Roms { get; } = new(StringComparer.Ordinal);

    public (long Id, IActorRef Service)? CloneSession { get; set; }

    /// <summary>The image and descriptors pulled through the clone session.</summary>
    public CloneChunk? Pulled { get; set; }

    /// <summary>A clone session on another node: the ranges still to ask for, one clone buffer each, in clone order.</summary>
    public Queue<MemoryContent>? Pulls { get; set; }

    /// <summary>A clone session on another node: the ranges asked for, each as the part of it that has not come yet.</summary>
    public List<(ulong At, long Left)> InFlight { get; } = [];

    /// <summary>A clone session on another node: the chunks received, by the region they belong to.</summary>
    public Dictionary<ulong, List<MemoryChunk>>? Streamed { get; set; }

    /// <summary>A clone session on another node: the descriptors, once received.</summary>
    public IReadOnlyList<InheritedDescriptor>? StreamedDescriptors { get; set; }

    public bool CloneRequested { get; set; }

    public bool CloneDone { get; set; }

    public bool ConfigRead { get; set; }

    /// <summary>The LOG session was asked for and is not granted (or denied) yet.</summary>
    public bool LogPending { get; set; }

    /// <summary>The program was started: boot is over.</summary>
    public bool Done { get; set; }

    /// <summary>
    /// Descriptors of a non-cloned process's config still being opened, in the order they were asked for: the file system
    /// answers one process's requests in order, so each answer belongs to the oldest.
    /// </summary>
    public Queue<FdNode> PendingOpens { get; } = new();
}
