namespace Pamoja.Sandbox.Scripts;

// A phone-number pattern that makes a provider misbehave on purpose. Each provider registers
// its own as singletons; the inbox page lists them all so a demo audience can try them.
public sealed record ScriptedNumber(string Provider, string EndsWith, string Outcome);
