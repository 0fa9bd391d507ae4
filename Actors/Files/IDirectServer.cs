using Akka.Actor;

namespace Fork.Actors;

/// <summary>
/// Something of a namespace's file system that a program's libc may call directly instead of sending it a message (a
/// pipe, an open file): it answers <paramref name="replyTo"/> as its actor would, from whatever thread calls it.
/// </summary>
internal interface IDirectServer
{
    void Serve(object request, IActorRef replyTo);
}

/// <summary>A direct read of a pipe or file: its bytes go straight into <paramref name="Into"/>, the caller's memory; answered LibcOk(count).</summary>
internal sealed record DirectRead(long Description, Memory<byte> Into);

/// <summary>A direct write to a pipe or file, from the caller's memory, which stays valid until the write is answered.</summary>
internal sealed record DirectWrite(long Description, ReadOnlyMemory<byte> Data);

/// <summary>
/// The direct servers of one namespace by their actor's address: how a libc that knows a descriptor's server by address
/// (from its parent, from the file system's answer) finds the object to call. Filled and emptied by the file system.
/// </summary>
internal sealed class LocalServers
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<IActorRef, IDirectServer> _servers = new();

    public void Add(IActorRef actor, IDirectServer server) => _servers[actor] = server;

    public void Remove(IActorRef actor) => _servers.TryRemove(actor, out _);

    public IDirectServer? Find(IActorRef? actor) => actor is not null && _servers.TryGetValue(actor, out var server) ? server : null;
}
