using Akka.Actor;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>What a booting process still waits for: its ROMs, its LOG session and, when cloned, its memory and descriptors.</summary>
internal sealed class BootState
{
    public HashSet<string> PendingRoms { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Roms { get; } = new(StringComparer.Ordinal);

    public Dictionary<ulong, List<MemoryChunk>> Chunks { get; } = [];

    public IReadOnlyList<InheritedDescriptor>? Descriptors { get; set; }

    public (long Id, IActorRef Service)? CloneSession { get; set; }

    public int PendingChunks { get; set; }

    public bool CloneRequested { get; set; }

    public bool CloneDone { get; set; }

    public bool ConfigRead { get; set; }

    /// <summary>Descriptors of a non-cloned process's config still being opened.</summary>
    public int PendingOpens { get; set; }
}
