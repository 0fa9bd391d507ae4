using Akka.Actor;
using Akka.TestKit;
using Fork.Actors;
using Fork.Messages;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace Fork.Tests;

/// <summary>The parent-local services of a child: a loaded object's ROM and the forwarding of every other service.</summary>
public sealed class RomAndParentServiceSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);

    private readonly TestProbe _policy;

    public RomAndParentServiceSpec(ITestOutputHelper output)
        : base((ActorSystem?)null, output)
    {
        ForkTracing.Use(Sys, TestOutputLoggerProvider.Factory(output, LogLevel.Debug));
        _policy = CreateTestProbe("policy");
    }

    [Theory]
    [InlineData("binary")]
    [InlineData("init -> 2 -> binary")]
    public void ROM_whose_last_label_element_names_the_object_gets_its_content(string label)
    {
        var rom = Sys.ActorOf(LocalRomService.Props(1, "binary", "ELF binary"));

        rom.Tell(new SessionRequest(Services.Rom, label, Quota.Zero), TestActor);

        ExpectMsg(new RomDataspace("binary", "ELF binary"));
    }

    [Theory]
    [InlineData(Services.Rom, "libc.lib.so")]
    [InlineData(Services.Rom, "binary -> libc.lib.so")]
    [InlineData(Services.Log, "binary")]
    public void Request_for_anything_else_is_denied_with_a_reason(string service, string label)
    {
        var rom = Sys.ActorOf(LocalRomService.Props(1, "binary", "ELF binary"));

        rom.Tell(new SessionRequest(service, label, Quota.Zero), TestActor);

        ExpectMsg<SessionDenied>(d => d.Service == service && d.Label == label && d.Reason.Contains("binary"));
    }

    [Fact]
    public void Parent_service_forwards_to_the_policy_and_the_answer_reaches_the_requester()
    {
        var service = Sys.ActorOf(ParentService.Props(2, Services.Timer, _policy.Ref));
        var request = new SessionRequest(Services.Timer, "3", new Quota(100, 1));

        service.Tell(request, TestActor);

        _policy.ExpectMsg<SessionRequest>((r, sender) => r == request && sender.Equals(TestActor));
        _policy.Reply(new SessionGranted(Services.Timer, "init -> 2 -> 3", 8, _policy.Ref));
        ExpectMsg<SessionGranted>(g => g.SessionId == 8);
    }

    [Fact]
    public void Parent_service_forwards_to_the_new_policy_after_a_reparenting()
    {
        var service = Sys.ActorOf(ParentService.Props(2, Services.Log, _policy.Ref));
        var adopter = CreateTestProbe("init-policy");

        service.Tell(new PolicyChanged(adopter.Ref), TestActor);
        service.Tell(new SessionRequest(Services.Log, "3", Quota.Zero), TestActor);

        adopter.ExpectMsg<SessionRequest>((r, sender) => r.Label == "3" && sender.Equals(TestActor));
        _policy.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Parent_service_denies_a_request_for_another_service()
    {
        var service = Sys.ActorOf(ParentService.Props(2, Services.Timer, _policy.Ref));

        service.Tell(new SessionRequest(Services.Rtc, "3", Quota.Zero), TestActor);

        ExpectMsg<SessionDenied>(d => d.Service == Services.Rtc && d.Reason.Contains(Services.Timer));
        _policy.ExpectNoMsg(Quiet);
    }
}
