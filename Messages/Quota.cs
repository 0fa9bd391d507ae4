namespace Fork.Messages;

/// <summary>An amount of RAM (bytes) and capabilities (count).</summary>
public readonly record struct Quota(long Ram, int Caps)
{
    public static Quota Zero { get; } = default;

    public static Quota operator +(Quota a, Quota b) => new(a.Ram + b.Ram, a.Caps + b.Caps);

    public static Quota operator -(Quota a, Quota b) => new(a.Ram - b.Ram, a.Caps - b.Caps);

    public bool Covers(Quota need) => Ram >= need.Ram && Caps >= need.Caps;

    public override string ToString() => $"{Ram} bytes, {Caps} caps";
}

/// <summary>Quota moved to the receiver (start quota of a child, or a granted resource request).</summary>
public sealed record QuotaTransfer(Quota Amount) : ICrossNode;

/// <summary>A process that needs more asks its parent; a parent that lacks it asks its own parent, up to init.</summary>
public sealed record ResourceRequest(Quota Amount, long RequestId) : ICrossNode;

public sealed record ResourceGranted(Quota Amount, long RequestId) : ICrossNode;

public sealed record ResourceDenied(Quota Amount, long RequestId, string Reason) : ICrossNode;
