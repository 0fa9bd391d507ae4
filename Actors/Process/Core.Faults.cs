using Akka.Actor;
using Fork.Messages;
using Microsoft.Extensions.Logging;

namespace Fork.Actors;

// Faults: serving one process must not stop its namespace. A fault inside the core while it serves a request fails
// that request (the caller gets an errno, or a refusal its protocol knows) and the core goes on with its table intact.
internal sealed partial class Core
{
    protected override bool AroundReceive(Receive receive, object message)
    {
        try
        {
            return base.AroundReceive(receive, message);
        }
        catch (Exception e)
        {
            Log.CoreFault(_log, message.GetType().Name, e);
            Sender.Tell(FailureFor(message, $"the namespace's core failed serving {message.GetType().Name}: {e.Message}"));
            return true;
        }
    }

    private static object FailureFor(object request, string reason) => request switch
    {
        AllocatePid allocate => new PidRefused(reason, allocate.RequestId),
        SessionRequest session => new SessionDenied(session.Service, session.Label, reason),
        _ => new LibcError(Errno.EIO, reason),
    };
}

internal static partial class Log
{
    [LoggerMessage(EventId = 16, Level = LogLevel.Error, Message = "the namespace's core failed serving {Request}; that request failed, the namespace goes on")]
    public static partial void CoreFault(ILogger logger, string request, Exception exception);
}
