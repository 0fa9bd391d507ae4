using System.Globalization;
using Fork.Actors;

namespace Fork.Bench;

/// <summary>
/// The one place the bench could override the runtime's quota. It uses the defaults: a live process keeps only its
/// reserve, so 100 000 live children fit in the default InitRamQuota, and so does a touched heap of 1 GiB beside them.
/// </summary>
internal static class BenchQuota
{
    /// <summary>Options for <paramref name="liveChildren"/> children alive at once and <paramref name="touchedBytes"/> of touched heap.</summary>
    public static ForkRuntimeOptions For(long liveChildren, long touchedBytes = 0)
    {
        var defaults = new ForkRuntimeOptions();
        var needed = liveChildren * defaults.ProcessRamReserve + touchedBytes + defaults.ForkRamQuota;
        if (needed > defaults.InitRamQuota)
            throw new InvalidOperationException($"{liveChildren} live children and {touchedBytes} touched bytes need more than the default InitRamQuota.");
        return defaults;
    }

    public static string Describe(ForkRuntimeOptions options) => string.Create(CultureInfo.InvariantCulture,
        $"InitRamQuota = {options.InitRamQuota:N0}, InitCapQuota = {options.InitCapQuota:N0}, ForkRamQuota = {options.ForkRamQuota:N0}, ForkCapQuota = {options.ForkCapQuota}, ProcessRamReserve = {options.ProcessRamReserve:N0}");
}
