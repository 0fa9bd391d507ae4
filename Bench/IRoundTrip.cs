namespace Fork.Bench;

/// <summary>A round trip that can be run in batches, so one hand-off from the caller is shared by many rounds.</summary>
internal interface IRoundTrip : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Runs <paramref name="count"/> round trips one after the other; completes after the last.</summary>
    Task RunAsync(int count);
}

internal sealed record Batch(int Count, TaskCompletionSource Done)
{
    public static Batch Of(int count) => new(count, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
