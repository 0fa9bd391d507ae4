using System.Collections.Concurrent;
using Fork.Messages;

namespace Fork.Actors;

/// <summary>
/// Programs known by name. A child's program travels as a <see cref="ProgramEntry"/>: its name, and locally the
/// delegate itself; a registered name is what lets a program run on another node.
/// </summary>
public sealed class ProgramRegistry
{
    private readonly ConcurrentDictionary<string, ProcessMain> _byName = new(StringComparer.Ordinal);

    public static ProgramRegistry WithBuiltIns()
    {
        var registry = new ProgramRegistry();
        foreach (var (name, main) in BuiltInPrograms.All) registry.Register(name, main);
        return registry;
    }

    public IEnumerable<string> Names => _byName.Keys.Order(StringComparer.Ordinal);

    public ProgramRegistry Register(string name, ProcessMain main)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(main);
        _byName[name] = main;
        return this;
    }

    public bool TryGet(string name, out ProcessMain main) => _byName.TryGetValue(name, out main!);

    internal ProgramEntry EntryFor(ProcessMain main)
    {
        foreach (var (name, registered) in _byName)
        {
            if (registered == main) return new ProgramEntry(name, main);
        }

        return new ProgramEntry(NameOf(main.Method), main);
    }

    /// <summary>
    /// <c>Type.Method</c> of a program's method; a lambda is named after the method it is written in
    /// (<c>TestFork.Main (lambda)</c>), not after the compiler's closure class.
    /// </summary>
    private static string NameOf(System.Reflection.MethodInfo method)
    {
        var type = method.DeclaringType;
        while (type is { DeclaringType: not null } && type.Name.StartsWith('<')) type = type.DeclaringType;
        var name = method.Name;
        if (!name.StartsWith('<')) return $"{type?.Name}.{name}";
        var end = name.IndexOf('>');
        return $"{type?.Name}.{(end > 1 ? name[1..end] : name)} (lambda)";
    }

    /// <summary>The program of an entry: its local delegate, else the one registered under its name, else the static method it names.</summary>
    internal ProcessMain Resolve(ProgramEntry entry) =>
        entry.Local as ProcessMain
        ?? (TryFind(entry.Name, out var main)
            ? main
            : throw new PosixException(Errno.ENOENT, $"no program named \"{entry.Name}\" is registered on this node"));

    /// <summary>
    /// The name another node finds <paramref name="main"/> by: its registered name, or for a static method of a named type
    /// <c>Namespace.Type, Assembly::Method</c> (the same build runs on every node); null for a closure or a lambda.
    /// </summary>
    internal string? NameElsewhere(ProcessMain main)
    {
        foreach (var (name, registered) in _byName)
        {
            if (registered == main) return name;
        }

        var method = main.Method;
        return main.Target is null && method.IsStatic && method.DeclaringType is { } type
               && !type.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), inherit: false)
               && !method.Name.StartsWith('<')
            ? $"{type.FullName}, {type.Assembly.GetName().Name}{StaticSeparator}{method.Name}"
            : null;
    }

    private const string StaticSeparator = "::";

    /// <summary>A program by its registered name, or a static method <c>Type, Assembly::Method</c> taking a Libc and returning Task&lt;int&gt;.</summary>
    internal bool TryFind(string name, out ProcessMain main)
    {
        if (TryGet(name, out main)) return true;
        var separator = name.LastIndexOf(StaticSeparator, StringComparison.Ordinal);
        var method = separator > 0 && Type.GetType(name[..separator], throwOnError: false) is { } type
            ? type.GetMethod(name[(separator + StaticSeparator.Length)..], System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic, [typeof(Libc)])
            : null;
        if (method?.ReturnType != typeof(Task<int>)) return false;
        main = method.CreateDelegate<ProcessMain>();
        return true;
    }
}
