namespace Fork.Actors;

/// <summary>A slot of a process's descriptor table: the open file description it refers to.</summary>
internal sealed record Descriptor(long Description, bool CloseOnExec);
