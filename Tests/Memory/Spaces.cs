using Fork.Actors;
using Fork.Messages;

namespace Fork.Tests;

/// <summary>Address spaces with their own RAM account, for the memory specs.</summary>
internal static class Spaces
{
    public const int PageSize = MemoryImage.PageSize;
    public const long Plenty = 1L << 40;

    public static (AddressSpace Space, QuotaAccount Account) New(long ram = Plenty, params string[] objects)
    {
        var account = new QuotaAccount(new Quota(ram, 10));
        return (AddressSpace.Create(objects.Length == 0 ? ["binary", "libc.lib.so"] : objects, account), account);
    }

    public static (AddressSpace Child, QuotaAccount Account) ForkOf(AddressSpace parent, long ram = Plenty)
    {
        var account = new QuotaAccount(new Quota(ram, 10));
        return (AddressSpace.FromImage(parent.Freeze(), account), account);
    }

    public static byte[] Read(AddressSpace space, ulong address, int length)
    {
        var buffer = new byte[length];
        space.Read(address, buffer);
        return buffer;
    }

    public static byte[] Pattern(int length, byte seed = 1) =>
        Enumerable.Range(0, length).Select(i => (byte)(i * 31 + seed)).ToArray();

    /// <summary>The array behind a page, to tell a shared page from a copy.</summary>
    public static byte[]? ArrayOf(ReadOnlyMemory<byte> page) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(page, out var segment) ? segment.Array : null;
}
