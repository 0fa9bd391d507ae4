namespace Fork.Actors.Programs.Utilities;

/// <summary><c>true</c>: does nothing, successfully.</summary>
internal static class True
{
    public const string Name = "true";

    public static Task<int> Main(Libc libc) => Run(libc, libc.Args);

    public static Task<int> Run(Libc libc, IReadOnlyList<string> args) => Task.FromResult(0);
}

/// <summary><c>false</c>: does nothing, unsuccessfully.</summary>
internal static class False
{
    public const string Name = "false";

    public static Task<int> Main(Libc libc) => Run(libc, libc.Args);

    public static Task<int> Run(Libc libc, IReadOnlyList<string> args) => Task.FromResult(1);
}
