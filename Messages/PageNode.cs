namespace Fork.Messages;

/// <summary>
/// Who may change a trie node or page in place (Clojure's transient edit token). An address space
/// takes a new token at every fork, so whatever it made before is shared and copied on write.
/// <see cref="Owner"/> is the space charged for the pages made under the token.
/// </summary>
internal sealed class EditToken(object? owner)
{
    public object? Owner { get; } = owner;
}

/// <summary>
/// One written page. Its bytes may be shorter than a page when they came from a transport (the
/// rest reads as zeros); only the space holding <see cref="Edit"/> writes them in place.
/// </summary>
internal sealed class Page
{
    private readonly byte[]? _writable;

    public Page(byte[] bytes, EditToken edit)
    {
        _writable = bytes;
        Bytes = bytes;
        Edit = edit;
    }

    public Page(ReadOnlyMemory<byte> shared)
    {
        Bytes = shared;
    }

    public ReadOnlyMemory<byte> Bytes { get; }

    public EditToken? Edit { get; }

    public byte[]? WritableBy(EditToken edit) => ReferenceEquals(Edit, edit) ? _writable : null;
}

/// <summary>An inner node of a region's 32-way radix trie: child nodes, or pages at the bottom level.</summary>
internal sealed class PageNode(EditToken? edit, object?[] slots)
{
    public const int Bits = 5;
    public const int Width = 1 << Bits;
    public const int Mask = Width - 1;

    public EditToken? Edit { get; } = edit;

    public object?[] Slots { get; } = slots;

    /// <summary>This node when <paramref name="edit"/> made it, else a copy of it for <paramref name="edit"/> (path copying).</summary>
    public static PageNode EditableBy(PageNode? node, EditToken edit) =>
        node is null ? new PageNode(edit, new object?[Width])
        : ReferenceEquals(node.Edit, edit) ? node
        : new PageNode(edit, (object?[])node.Slots.Clone());
}
