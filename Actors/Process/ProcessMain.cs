namespace Fork.Actors;

/// <summary>A program of the runtime; its return value is the process's exit code.</summary>
public delegate Task<int> ProcessMain(Libc libc);
