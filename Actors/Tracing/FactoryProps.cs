using Akka.Actor;

namespace Fork.Actors;

/// <summary>
/// Props that make their actor with a plain delegate. <c>Props.Create(() => new X(...))</c> takes an expression tree
/// and builds the actor by reflection: on the fork path, where two actors are made per fork, that showed in the profile.
/// </summary>
internal static class FactoryProps
{
    public static Props Of<TActor>(Func<TActor> factory) where TActor : ActorBase => Props.CreateBy(new Producer<TActor>(factory, once: false));

    /// <summary>
    /// For an actor that is never restarted (its parent's strategy stops it): the factory, and the setup it holds, are
    /// let go once the actor exists, instead of living as long as the actor in its props.
    /// </summary>
    public static Props Once<TActor>(Func<TActor> factory) where TActor : ActorBase => Props.CreateBy(new Producer<TActor>(factory, once: true));

    private sealed class Producer<TActor>(Func<TActor> factory, bool once) : IIndirectActorProducer where TActor : ActorBase
    {
        private Func<TActor>? _factory = factory;

        public Type ActorType => typeof(TActor);

        public ActorBase Produce()
        {
            var make = _factory ?? throw new InvalidOperationException($"{typeof(TActor).Name} is made once and is not restarted.");
            if (once) _factory = null;
            return make();
        }

        public void Release(ActorBase actor)
        {
        }
    }
}
