using Akka.Actor;

namespace Fork.Actors;

/// <summary>
/// Props that make their actor with a plain delegate. <c>Props.Create(() => new X(...))</c> takes an expression tree
/// and builds the actor by reflection: on the fork path, where two actors are made per fork, that showed in the profile.
/// </summary>
internal static class FactoryProps
{
    public static Props Of<TActor>(Func<TActor> factory) where TActor : ActorBase => Props.CreateBy(new Producer<TActor>(factory));

    private sealed class Producer<TActor>(Func<TActor> factory) : IIndirectActorProducer where TActor : ActorBase
    {
        public Type ActorType => typeof(TActor);

        public ActorBase Produce() => factory();

        public void Release(ActorBase actor)
        {
        }
    }
}
