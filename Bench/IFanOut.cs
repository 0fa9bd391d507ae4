namespace Fork.Bench;

/// <summary>One parent with N live children: started, then ended and reaped, with nothing else in between.</summary>
internal interface IFanOut : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Completes once all <paramref name="count"/> children are alive and idle (blocked or waiting).</summary>
    Task StartAsync(int count);

    /// <summary>Ends every child of the last start and completes with how many were reaped (or seen terminated).</summary>
    Task<FanOutEnd> EndAsync();
}

/// <summary>How a fan-out ended: children reaped, and those that did not end as expected (exit 0).</summary>
internal sealed record FanOutEnd(int Reaped, int Failed);

/// <summary>One fan-out in flight: the caller's side of its three steps.</summary>
internal sealed record FanOutRun(int Count, TaskCompletionSource Live, TaskCompletionSource End, TaskCompletionSource<FanOutEnd> Ended)
{
    public static FanOutRun Of(int count) => new(
        count,
        new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
        new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
        new TaskCompletionSource<FanOutEnd>(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Fail(Exception e)
    {
        Live.TrySetException(e);
        Ended.TrySetException(e);
    }
}
