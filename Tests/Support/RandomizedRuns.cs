namespace Fork.Tests;

/// <summary>
/// How many sequences the randomized tests run: the <c>FORK_SEQUENCES</c> environment variable (xUnit v2 passes a
/// test no command-line arguments, so this is the <c>--sequences N</c> switch), else the CI default.
/// </summary>
internal static class RandomizedRuns
{
    public const string Variable = "FORK_SEQUENCES";

    public static int Sequences(int ciDefault) =>
        int.TryParse(Environment.GetEnvironmentVariable(Variable), out var n) && n > 0 ? n : ciDefault;
}
