using System.Reflection;
using System.Text;
using Fork.Actors;
using Fork.Messages;
using Xunit;

namespace Fork.Tests;

/// <summary>
/// The public surface of Fork.Messages and Fork.Actors, checked in as PublicApi.approved.txt: a change of
/// contract is a visible diff. After an intended change, copy PublicApi.received.txt over the approved file.
/// </summary>
public sealed class PublicApiSpec
{
    [Fact]
    public void Public_api_matches_the_approved_snapshot()
    {
        var actual = Describe(typeof(WaitStatus).Assembly, typeof(ForkRuntime).Assembly);
        var folder = Path.Combine(SourceFolder(), "Api");
        var approved = Path.Combine(folder, "PublicApi.approved.txt");
        var expected = File.Exists(approved) ? File.ReadAllText(approved).ReplaceLineEndings("\n") : "";
        if (expected != actual) File.WriteAllText(Path.Combine(folder, "PublicApi.received.txt"), actual);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(typeof(ForkRuntime), "Create,RunAsync,DisposeAsync")]
    [InlineData(typeof(Libc), "Pid,GetPpidAsync,ForkAsync,Wait4Async,KillAsync,SetPgidAsync,GetPgrpAsync,SetSignalHandler,SleepAsync,Exit,Cancellation,Memory,Args,Environment,Cwd,ChDir,OpenAsync,ReadAsync,WriteAsync,SeekAsync,CloseAsync,PipeAsync,MkDirAsync,RmDirAsync,UnlinkAsync,RenameAsync,StatAsync,ReadDirAsync,ExecAsync,DupAsync,Dup2Async,SetCloseOnExecAsync,Ignore,Node")]
    [InlineData(typeof(ForkPlacement), "Local,OnNode,AnyOtherNode")]
    [InlineData(typeof(AddressSpace), "Malloc,Write,Read,Stack,Heap,RwSegment")]
    [InlineData(typeof(ForkRuntimeOptions), "InitRamQuota,InitCapQuota,ForkRamQuota,ForkCapQuota,CloneBufferSize,PidMax")]
    [InlineData(typeof(ProcessOptions), "Binary,Args,Environment,Cwd")]
    [InlineData(typeof(WaitStatus), "Raw,Exited,ExitCode,Signaled,TermSignal,CoreDumped,Stopped,StopSignal,Continued,FromExit,FromSignal")]
    [InlineData(typeof(WaitResult), "Pid,Status,Error,Usage")]
    [InlineData(typeof(PosixException), "Errno")]
    public void Contract_members_exist_with_their_exact_names(Type type, string members)
    {
        var names = type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).Select(m => m.Name).ToHashSet();
        var missing = members.Split(',').Where(m => !names.Contains(m)).ToList();
        Assert.True(missing.Count == 0, $"{type.Name} lacks {string.Join(", ", missing)}");
    }

    private static string Describe(params Assembly[] assemblies)
    {
        var text = new StringBuilder();
        foreach (var type in assemblies.SelectMany(a => a.GetExportedTypes()).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.Append(Kind(type)).Append(' ').Append(type.FullName);
            if (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum)) text.Append(" : ").Append(b.Name);
            text.Append('\n');
            if (type.IsEnum)
            {
                foreach (var name in Enum.GetNames(type)) text.Append("  ").Append(name).Append(" = ").Append(Convert.ToInt64(Enum.Parse(type, name))).Append('\n');
                continue;
            }

            var members = type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => m is not MethodInfo { IsSpecialName: true })
                .Select(Member)
                .Order(StringComparer.Ordinal);
            foreach (var member in members) text.Append("  ").Append(member).Append('\n');
        }

        return text.ToString();
    }

    private static string Kind(Type type) =>
        type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : typeof(Delegate).IsAssignableFrom(type) ? "delegate" : "class";

    private static string Member(MemberInfo member) => member switch
    {
        ConstructorInfo c => $"ctor({Parameters(c)})",
        MethodInfo m => $"{(m.IsStatic ? "static " : "")}{TypeName(m.ReturnType)} {m.Name}({Parameters(m)})",
        PropertyInfo p => $"{(p.GetMethod?.IsStatic == true ? "static " : "")}{TypeName(p.PropertyType)} {p.Name} {{{(p.CanRead ? " get;" : "")}{(p.SetMethod?.IsPublic == true ? " set;" : "")} }}",
        FieldInfo f => $"{(f.IsStatic ? "static " : "")}{TypeName(f.FieldType)} {f.Name}",
        EventInfo e => $"event {TypeName(e.EventHandlerType!)} {e.Name}",
        Type t => $"nested {t.Name}",
        _ => member.Name,
    };

    private static string Parameters(MethodBase method) =>
        string.Join(", ", method.GetParameters().Select(p => $"{TypeName(p.ParameterType)} {p.Name}"));

    private static string TypeName(Type type) => type.IsGenericType
        ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>"
        : type.Name;

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetDirectoryName(Path.GetDirectoryName(path))!;
}
