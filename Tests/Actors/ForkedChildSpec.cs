using Akka.Actor;
using Akka.TestKit;
using Fork.Actors;
using Fork.Messages;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>
/// The parent-side policy of one child. A ForkedChild made with <see cref="ForkedChild.Props"/> spawns a real
/// ProcessActor whose core, file system and clone service are probes; one made with
/// <see cref="ForkedChild.AdoptedProps"/> polices a probe that stands for the process.
/// </summary>
public sealed class ForkedChildSpec : Akka.TestKit.Xunit2.TestKit
{
    private const int Pid = 7;
    private const int ParentPid = 3;
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);
    private static readonly Quota StartQuota = new(2_500_000, 100);
    private static readonly MemoryRegion Stack = new("stack", "stack", MemoryLayout.StackAt, MemoryImage.PageSize);
    private static readonly ChildConfig ConfigWithoutFds = new(Pid, "/", true, [], [], Stack, [], [], []);
    private static readonly InheritedDescriptor[] Descriptors = [new(0, 11, false)];
    private static readonly DescriptionInfo[] Described = [new(11, "/dev/null", OpenFlags.ReadOnly, 0)];
    private static readonly string Config = ConfigRom.Generate(ConfigWithoutFds with { Fds = [new FdNode(0, "/dev/null", false, true, false, 0)] });

    /// <summary>What the parent froze at fork: the one stack page the config names, every byte 42.</summary>
    private static readonly MemoryImage Image = new(
        [Stack], new Dictionary<ulong, PageSnapshot> { [Stack.At] = PageSnapshot.FromPages(1, [(0, Enumerable.Repeat((byte)42, MemoryImage.PageSize).ToArray())]) });

    private readonly ForkRuntimeOptions _options = new();
    private readonly TestProbe _parent;
    private readonly TestProbe _core;
    private readonly TestProbe _fs;
    private readonly TestProbe _clone;
    private readonly TestProbe _binaryRom;
    private readonly TestProbe _libcRom;
    private readonly TestProbe _process;
    private readonly TestProbe _adopter;

    public ForkedChildSpec(ITestOutputHelper output)
        : base((ActorSystem?)null, output)
    {
        ForkTracing.Use(Sys, TestOutputLoggerProvider.Factory(output, LogLevel.Debug));
        _parent = CreateTestProbe("parent");
        _core = CreateTestProbe("core");
        _fs = CreateTestProbe("fs");
        _clone = CreateTestProbe("clone");
        _binaryRom = CreateTestProbe("rom-binary");
        _libcRom = CreateTestProbe("rom-libc");
        _process = CreateTestProbe("process");
        _adopter = CreateTestProbe("adopter");
    }

    [Fact]
    public void Child_process_boots_from_the_config_it_is_served_and_asks_for_its_clone_session()
    {
        StartBootingChild();

        // The config ROM was answered by the ForkedChild itself, never forwarded.
        _parent.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Start_quota_reaches_the_child_process_and_comes_back_when_it_exits()
    {
        var tooLittle = new Quota(1000, 1);
        StartChild(tooLittle);

        // With less than a clone session costs, the child cannot boot; what it was given comes back with its exit.
        _parent.ExpectMsg(new ChildReady(Pid));
        _parent.ExpectMsg<ChildExited>(e => e.Pid == Pid && e.Status == WaitStatus.FromSignal(Signal.SIGKILL, false) && e.Returned == tooLittle);
        _clone.ExpectMsg(new CloneAbandoned(Pid));
    }

    [Fact]
    public void Child_boots_runs_its_program_and_is_reported_ready_then_exited()
    {
        var gate = new TaskCompletionSource();
        var (child, process) = StartChild(StartQuota, ReadFirstStackByteAfter(gate.Task));

        _clone.ExpectMsg<CloneSessionRequest>(r => r.Pid == Pid);
        _clone.Reply(new SessionGranted(Services.Clone, "", 9, _clone.Ref));
        _clone.ExpectMsg(new CloneContent(9));
        _clone.Reply(new CloneChunk([new MemoryChunk(Stack.At, Stack.Size, Image.Pages[Stack.At])], Descriptors));
        _clone.ExpectMsg(new SessionClose(9));

        child.Tell(new CloneClosed(Pid), _clone.Ref);
        // The child keeps its reserve of the start quota and gives the rest back with the news that it is ready.
        _parent.ExpectMsg(new ChildReady(Pid, StartQuota - _options.ProcessReserve));
        gate.SetResult();
        _parent.ExpectMsg<ChildExited>(e => e.Pid == Pid && e.Status == WaitStatus.FromExit(42));

        Watch(child);
        Watch(process);
        child.Tell(Reap.Instance, _parent.Ref);
        var gone = ReceiveN(2).Cast<Terminated>().Select(t => t.ActorRef).ToHashSet();
        Assert.Equal(new HashSet<IActorRef> { child, process }, gone);
    }

    [Fact]
    public void Clone_request_while_starting_up_goes_to_the_clone_service_with_the_pid()
    {
        var (child, _) = StartBootingChild();
        var request = new SessionRequest(Services.Clone, "", new Quota(600_000, 2));

        child.Tell(request, TestActor);

        _clone.ExpectMsg<CloneSessionRequest>((r, sender) => r == new CloneSessionRequest(Pid, request) && sender.Equals(TestActor));
        _clone.Reply(new SessionGranted(Services.Clone, "", 1, _clone.Ref));
        ExpectMsg<SessionGranted>(g => g.SessionId == 1);
    }

    [Fact]
    public void Closed_clone_session_makes_the_child_running_and_the_parent_ready()
    {
        var (child, _) = StartBootingChild();

        child.Tell(new CloneClosed(Pid), _clone.Ref);

        _parent.ExpectMsg(new ChildReady(Pid));
        child.Tell(new SessionRequest(Services.Clone, "", new Quota(600_000, 2)), TestActor);
        ExpectMsg<SessionDenied>(d => d.Service == Services.Clone && d.Reason.Contains("running"));
        _clone.ExpectNoMsg(Quiet);
        child.Tell(new CloneClosed(Pid), _clone.Ref);
        _parent.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Child_that_exits_before_ready_is_reported_ready_and_exited()
    {
        var (child, _) = StartBootingChild();
        var exited = new ProcessExited(Pid, WaitStatus.FromExit(3), new ResourceUsage(TimeSpan.FromMilliseconds(1), default, 4096), new Quota(5, 1));

        child.Tell(exited, _process.Ref);

        _parent.ExpectMsg(new ChildReady(Pid));
        _parent.ExpectMsg(new ChildExited(Pid, exited.Status, exited.Usage, exited.Returned));
        _clone.ExpectMsg(new CloneAbandoned(Pid));
    }

    [Fact]
    public void A_program_whose_LOG_session_is_denied_still_ends_and_is_reported()
    {
        var gate = new TaskCompletionSource();
        var (child, _) = StartChild(StartQuota, new ProgramEntry("logs", (ProcessMain)(async libc =>
        {
            libc.Log("a line nobody takes");
            await gate.Task;
            return 5;
        })));
        _clone.ExpectMsg<CloneSessionRequest>();
        _clone.Reply(new SessionGranted(Services.Clone, "", 9, _clone.Ref));
        _clone.ExpectMsg(new CloneContent(9));
        _clone.Reply(new CloneChunk([new MemoryChunk(Stack.At, Stack.Size, Image.Pages[Stack.At])], Descriptors));
        _clone.ExpectMsg(new SessionClose(9));
        child.Tell(new CloneClosed(Pid), _clone.Ref);

        // The LOG session is asked for with the first line (beside the news that the child is ready); it is refused.
        _parent.FishForMessage<SessionRequest>(r => r.Service == Services.Log);
        _parent.Reply(new SessionDenied(Services.Log, "7", "no log here"));
        // The refusal reaches the process while its program still runs; the program ends after it.
        gate.SetResult();

        Assert.Equal(WaitStatus.FromExit(5), _parent.FishForMessage<ChildExited>(e => e.Pid == Pid).Status);
    }

    [Fact]
    public void Process_that_ends_before_its_parent_names_it_is_still_reaped()
    {
        // Under load the child can boot, be killed and report its end before the parent's ChildCreated is delivered.
        var child = _parent.ChildActorOf(ForkedChild.Props(Setup(null)), "early");
        child.Tell(new ProcessExited(Pid, WaitStatus.FromSignal(Signal.SIGKILL, false), default, Quota.Zero), _process.Ref);
        _parent.ExpectMsg<ChildReady>();
        _parent.ExpectMsg<ChildExited>();

        child.Tell(new ChildCreated(_process.Ref), _parent.Ref);
        child.Tell(Reap.Instance, _parent.Ref);

        _process.ExpectMsg<Reap>();
    }

    [Fact]
    public void Child_that_exited_before_ready_stays_exited_when_its_clone_session_closes()
    {
        var (child, _) = StartBootingChild();
        child.Tell(new ProcessExited(Pid, WaitStatus.FromExit(3), default, Quota.Zero), _process.Ref);
        _parent.ExpectMsg(new ChildReady(Pid));
        _parent.ExpectMsg<ChildExited>();

        child.Tell(new CloneClosed(Pid), _clone.Ref);

        _parent.ExpectNoMsg(Quiet);
        child.Tell(new SessionRequest(Services.Timer, "", Quota.Zero), TestActor);
        ExpectMsg<SessionDenied>(d => d.Service == Services.Timer && d.Reason.Contains("exited"));
    }

    [Theory]
    [InlineData(Services.Timer, "a -> b -> c", "c")]
    [InlineData(Services.Rtc, "", "7")]
    [InlineData(Services.Log, "a -> b", "7 -> a -> b")]
    [InlineData(Services.Log, "", "7")]
    public void Labels_are_cut_to_their_last_element_except_for_LOG(string service, string label, string routed)
    {
        var (child, _) = StartBootingChild();

        child.Tell(new SessionRequest(service, label, new Quota(10, 1)), TestActor);

        _parent.ExpectMsg<SessionRequest>((r, sender) => r == new SessionRequest(service, routed, new Quota(10, 1)) && sender.Equals(TestActor));
    }

    [Fact]
    public void Other_services_go_to_the_parent_which_answers_the_requester()
    {
        var (child, _) = StartBootingChild();

        child.Tell(new SessionRequest(Services.Timer, "", Quota.Zero), TestActor);

        _parent.ExpectMsg<SessionRequest>(r => r.Service == Services.Timer);
        _parent.Reply(new SessionGranted(Services.Timer, "7", 4, _parent.Ref));
        ExpectMsg<SessionGranted>(g => g.Service == Services.Timer && g.SessionId == 4);
    }

    [Fact]
    public void ROM_of_a_loaded_object_goes_to_that_objects_rom_service()
    {
        var (child, _) = StartBootingChild();

        child.Tell(new SessionRequest(Services.Rom, "binary", Quota.Zero), TestActor);
        child.Tell(new SessionRequest(Services.Rom, "ld.lib.so -> libc.lib.so", Quota.Zero), TestActor);

        _binaryRom.ExpectMsg<SessionRequest>((r, sender) => r == new SessionRequest(Services.Rom, "binary", Quota.Zero) && sender.Equals(TestActor));
        _libcRom.ExpectMsg<SessionRequest>(r => r.Label == "libc.lib.so");
        _binaryRom.ExpectNoMsg(Quiet);
        _parent.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void ROM_config_is_answered_with_the_generated_config()
    {
        var (child, _) = StartBootingChild();

        child.Tell(new SessionRequest(Services.Rom, "config", Quota.Zero), TestActor);

        ExpectMsg(new RomDataspace("config", Config));
        _parent.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void ROM_of_an_unknown_module_goes_to_the_parent()
    {
        var (child, _) = StartBootingChild();

        child.Tell(new SessionRequest(Services.Rom, "ld.lib.so -> vfs.lib.so", Quota.Zero), TestActor);

        _parent.ExpectMsg(new SessionRequest(Services.Rom, "vfs.lib.so", Quota.Zero));
    }

    [Fact]
    public void Adopted_child_is_told_its_new_parent_and_runs_without_a_clone_session()
    {
        var child = Adopt();

        child.Tell(new SessionRequest(Services.Clone, "", new Quota(600_000, 2)), TestActor);
        ExpectMsg<SessionDenied>(d => d.Service == Services.Clone && d.Reason.Length > 0);
        child.Tell(new SessionRequest(Services.Rom, "binary", Quota.Zero), TestActor);
        _binaryRom.ExpectMsg<SessionRequest>(r => r.Label == "binary");
    }

    [Fact]
    public void Requests_of_an_exited_child_are_denied_with_a_reason()
    {
        var child = Adopt();
        child.Tell(new ProcessExited(Pid, WaitStatus.FromExit(0), default, Quota.Zero), _process.Ref);
        _parent.ExpectMsg<ChildExited>(e => e.Pid == Pid);

        child.Tell(new SessionRequest(Services.Rom, "binary", Quota.Zero), TestActor);
        child.Tell(new SessionRequest(Services.Log, "", Quota.Zero), TestActor);

        ExpectMsg<SessionDenied>(d => d.Service == Services.Rom && d.Reason.Contains($"{Pid}"));
        ExpectMsg<SessionDenied>(d => d.Service == Services.Log && d.Reason.Contains($"{Pid}"));
        _binaryRom.ExpectNoMsg(Quiet);
        _parent.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Resource_requests_go_to_the_parent_and_its_answers_back_to_the_process()
    {
        var child = Adopt();
        var amount = new Quota(4096, 1);

        child.Tell(new ResourceRequest(amount, 5), _process.Ref);
        _parent.ExpectMsg(new ResourceRequest(amount, 5));
        _parent.Reply(new ResourceGranted(amount, 5));
        _process.ExpectMsg(new ResourceGranted(amount, 5));

        child.Tell(new ResourceRequest(amount, 6), _process.Ref);
        _parent.ExpectMsg(new ResourceRequest(amount, 6));
        _parent.Reply(new ResourceDenied(amount, 6, "init's quota is spent"));
        _process.ExpectMsg(new ResourceDenied(amount, 6, "init's quota is spent"));
    }

    [Fact]
    public void Stop_and_continue_are_reported_while_running_and_ignored_once_exited()
    {
        var child = Adopt();

        child.Tell(new ProcessStateChanged(Pid, WaitStatus.FromStop(Signal.SIGSTOP)), _process.Ref);
        _parent.ExpectMsg(new ChildStateChanged(Pid, WaitStatus.FromStop(Signal.SIGSTOP)));

        child.Tell(new ProcessExited(Pid, WaitStatus.FromExit(1), default, Quota.Zero), _process.Ref);
        _parent.ExpectMsg<ChildExited>();
        child.Tell(new ProcessStateChanged(Pid, WaitStatus.ContinuedStatus), _process.Ref);
        child.Tell(new ProcessExited(Pid, WaitStatus.FromExit(1), default, Quota.Zero), _process.Ref);
        _parent.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Process_that_vanishes_is_reported_killed_by_SIGKILL()
    {
        Adopt();

        Sys.Stop(_process.Ref);

        _parent.ExpectMsg<ChildExited>(e => e.Pid == Pid && e.Status == WaitStatus.FromSignal(Signal.SIGKILL, false));
    }

    [Fact]
    public void Reaping_an_exited_child_stops_its_policy_and_reaps_its_process()
    {
        var child = Adopt();
        child.Tell(new ProcessExited(Pid, WaitStatus.FromExit(0), default, Quota.Zero), _process.Ref);
        _parent.ExpectMsg<ChildExited>();
        Watch(child);

        child.Tell(Reap.Instance, _parent.Ref);

        _process.ExpectMsg<Reap>();
        ExpectTerminated(child);
    }

    [Fact]
    public void Orphan_while_running_is_handed_to_init_through_the_core()
    {
        var child = Adopt();
        Watch(child);

        child.Tell(new Orphan(_adopter.Ref), _parent.Ref);

        _adopter.ExpectMsg<Adopt>(a => a.Pid == Pid && a.Name == "7" && a.Process.Equals(_process.Ref) && a.Status is null);
        // Until the process reports to init's policy, what it sends still goes on to the (ending) parent.
        child.Tell(new SessionRequest(Services.Timer, "", Quota.Zero), _process.Ref);
        _parent.ExpectMsg<SessionRequest>(r => r.Service == Services.Timer && r.Label == "7");
        ExpectNoMsg(Quiet);
        child.Tell(PolicyReleased.Instance, _process.Ref);
        ExpectTerminated(child);
        _process.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Orphaned_zombie_is_handed_over_with_its_status()
    {
        var child = Adopt();
        var exited = new ProcessExited(Pid, WaitStatus.FromSignal(Signal.SIGSEGV, true), new ResourceUsage(default, default, 8192), new Quota(100, 2));
        child.Tell(exited, _process.Ref);
        _parent.ExpectMsg<ChildExited>();
        Watch(child);

        child.Tell(new Orphan(_adopter.Ref), _parent.Ref);

        _adopter.ExpectMsg<Adopt>(a => a.Pid == Pid && a.Status == exited.Status && a.Usage == exited.Usage && a.Returned == exited.Returned);
        child.Tell(PolicyReleased.Instance, _process.Ref);
        ExpectTerminated(child);
    }

    [Fact]
    public void Orphan_while_starting_up_kills_the_child_process_and_hands_it_over()
    {
        var (child, process) = StartBootingChild();
        Watch(child);

        child.Tell(new Orphan(_adopter.Ref), _parent.Ref);

        var adopt = _adopter.ExpectMsg<Adopt>(a => a.Pid == Pid && a.Process.Equals(process) && a.Status is null);
        _core.ExpectMsg(new ProcessEnded(Pid));
        // Init's policy takes the process over; the process releases this one, which then stops.
        adopt.Process.Tell(new Reparented(1, _adopter.Ref));
        _adopter.ExpectMsg<ProcessExited>(e => e.Pid == Pid && e.Status == WaitStatus.FromSignal(Signal.SIGKILL, false));
        ExpectTerminated(child);
    }

    /// <summary>
    /// What the parent does at fork: a ForkedChild under the parent probe and the child's process beside it, the start
    /// quota sent to the process on the policy's behalf, the descriptors described to the policy (as the file system
    /// does); returns both once the process told the core it exists.
    /// </summary>
    private (IActorRef Child, IActorRef Process) StartChild(Quota startQuota, ProgramEntry? program = null)
    {
        var setup = Setup(program);
        var child = _parent.ChildActorOf(ForkedChild.Props(setup), "child");
        child.Tell(new Described(Described), _fs.Ref);
        var process = Sys.ActorOf(ProcessActor.Props(setup.Child with { Policy = child }), "pid7");
        process.Tell(new QuotaTransfer(startQuota), child);
        child.Tell(new ChildCreated(process), _parent.Ref);
        _core.ExpectMsg<ProcessStarted>(s => s.Pid == Pid && s.Process.Equals(process));
        return (child, process);
    }

    /// <summary>
    /// A starting child whose process has asked for its config and its clone session (unanswered, so it stays quiet):
    /// the clone request reached the clone service with the clone quota.
    /// </summary>
    private (IActorRef Child, IActorRef Process) StartBootingChild()
    {
        var (child, process) = StartChild(StartQuota);
        _clone.ExpectMsg<CloneSessionRequest>((r, sender) =>
            r.Pid == Pid && r.Request == new SessionRequest(Services.Clone, "", _options.CloneSessionQuota) && sender.Equals(process));
        return (child, process);
    }

    [Fact]
    public void A_policy_stopped_before_the_parents_word_on_its_process_still_kills_the_process_that_asked_it_for_sessions()
    {
        // A process on another node boots while its spawner's answer travels: it asks before ChildCreated comes.
        var child = _parent.ChildActorOf(ForkedChild.Props(Setup(null)), "child");
        child.Tell(new Described(Described), _fs.Ref);
        child.Tell(new SessionRequest(Services.Rom, "config", Quota.Zero), _process.Ref);
        _process.ExpectMsg<RomDataspace>(rom => rom.Name == "config");

        // The fork is given up (no answer from the spawner in time): the policy stops, and its process goes with it.
        Sys.Stop(child);
        _process.ExpectMsg<DeliverSignal>(d => d.Signal == Signal.SIGKILL && d.FromPid == ParentPid);
        _process.ExpectMsg<Reap>();
    }

    /// <summary>An adopted child (Running at once) policing the process probe, which is told its new parent.</summary>
    private IActorRef Adopt()
    {
        var roms = new Dictionary<string, IActorRef> { ["binary"] = _binaryRom.Ref, ["libc.lib.so"] = _libcRom.Ref };
        var child = _parent.ChildActorOf(ForkedChild.AdoptedProps(new AdoptedChildSetup(Pid, "7", _process.Ref, ParentPid, roms)), "adopted");
        _process.ExpectMsg<Reparented>(r => r.Ppid == ParentPid && r.Policy.Equals(child));
        return child;
    }

    private ForkedChildSetup Setup(ProgramEntry? program)
    {
        var runtime = new RuntimeContext(_options, ProgramRegistry.WithBuiltIns(), new ProcessOptions());
        var entry = program ?? new ProgramEntry("idle", (ProcessMain)(_ => Task.FromResult(0)));
        var process = new ProcessSetup(Pid, ParentPid, ParentPid, "7", ActorRefs.Nobody, _core.Ref, _fs.Ref, new ProcessTable(100), entry, runtime,
            new Dictionary<Signal, Action<Signal>>(), _options.ProcessReserve, new QuotaAccount(Quota.Zero), new QuotaAccount(Quota.Zero));
        var roms = new Dictionary<string, IActorRef> { ["binary"] = _binaryRom.Ref, ["libc.lib.so"] = _libcRom.Ref };
        return new ForkedChildSetup(process, ConfigWithoutFds, Descriptors, _clone.Ref, roms);
    }

    /// <summary>A program that waits for <paramref name="gate"/>, then exits with the first byte of its (cloned) stack.</summary>
    private static ProgramEntry ReadFirstStackByteAfter(Task gate) => new("read-stack", (ProcessMain)(async libc =>
    {
        await gate;
        var first = new byte[1];
        libc.Memory.Read(libc.Memory.Stack.At, first);
        return first[0];
    }));
}
