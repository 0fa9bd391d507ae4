using System.Globalization;
using Fork.Actors;

namespace Fork.Bench;

/// <summary>
/// The one place the bench overrides the runtime's quota. Today every fork moves ForkRamQuota (and ForkCapQuota) from
/// parent to child, so N live children need init to hold N of them; once the defaults fit, return the defaults here.
/// </summary>
internal static class BenchQuota
{
    private const long Slack = 1L << 30;
    private const long SpareForks = 16;

    /// <summary>Options for <paramref name="liveChildren"/> children alive at once and <paramref name="touchedBytes"/> of touched heap.</summary>
    public static ForkRuntimeOptions For(long liveChildren, long touchedBytes = 0)
    {
        var defaults = new ForkRuntimeOptions();
        var forks = liveChildren + SpareForks;
        return defaults with
        {
            InitRamQuota = forks * defaults.ForkRamQuota + touchedBytes + Slack,
            InitCapQuota = forks * (defaults.ForkCapQuota + 2) + defaults.InitCapQuota,
        };
    }

    public static string Describe(ForkRuntimeOptions options) => string.Create(CultureInfo.InvariantCulture,
        $"InitRamQuota = {options.InitRamQuota:N0}, InitCapQuota = {options.InitCapQuota:N0}, ForkRamQuota = {options.ForkRamQuota:N0}, ForkCapQuota = {options.ForkCapQuota}");
}
