namespace Fork.Bench;

/// <summary>One measurement of quick mode: prints its own block and adds its figures to the summary.</summary>
internal interface IMeasurement
{
    /// <summary>The name <c>--only</c> selects it by.</summary>
    string Name { get; }

    Task RunAsync(Summary summary);
}
