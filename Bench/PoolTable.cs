using System.Buffers.Binary;

namespace Fork.Bench;

/// <summary>
/// What both pre-fork pools share: a 16 MiB table of pseudo-random bytes, the offset each request number looks up, and
/// the 16-byte request and response of the process pool (little-endian longs: number then offset, number then value).
/// </summary>
internal static class PoolTable
{
    public const int Size = 16 << 20;
    public const int Workers = 4;
    public const int Window = 64;
    public const int MessageSize = 16;

    /// <summary>The request number that ends a worker.</summary>
    public const long Stop = -1;

    public static byte[] Create()
    {
        var table = new byte[Size];
        new Random(20_190_101).NextBytes(table);
        return table;
    }

    /// <summary>Where request <paramref name="number"/> reads its 8 bytes: spread over the whole table.</summary>
    public static int Offset(long number) => (int)((ulong)number * 2_654_435_761UL % (Size - sizeof(long) + 1));

    public static long Value(ReadOnlySpan<byte> table, int offset) => BinaryPrimitives.ReadInt64LittleEndian(table[offset..]);

    public static void Encode(Span<byte> message, long number, long second)
    {
        BinaryPrimitives.WriteInt64LittleEndian(message, number);
        BinaryPrimitives.WriteInt64LittleEndian(message[sizeof(long)..], second);
    }

    public static (long Number, long Second) Decode(ReadOnlySpan<byte> message) =>
        (BinaryPrimitives.ReadInt64LittleEndian(message), BinaryPrimitives.ReadInt64LittleEndian(message[sizeof(long)..]));
}
