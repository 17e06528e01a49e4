using Pamoja.Sandbox.Providers.AfricasTalking;
using Pamoja.Sandbox.Providers.Momo;
using Pamoja.Sandbox.Providers.Mpesa;
using Pamoja.Sandbox.Providers.Twilio;

namespace Pamoja.Sandbox.Scripts;

// A phone-number pattern that makes a provider misbehave on purpose. Each provider registers
// its own as singletons; the inbox page lists them all so a demo audience can try them.
public sealed record ScriptedNumber(string Provider, string EndsWith, string Outcome);

// Every provider's scripted numbers in one list: what a made-up "ordinary" number (a test's,
// a demo's) must not end with, or a provider fails on it on purpose.
public static class ScriptedNumbers
{
    public static readonly IReadOnlyList<ScriptedNumber> All = [.. SmsScript.Table, .. TwilioScripts.Table, .. MpesaScripts.Table, .. MomoScript.Table];

    /// Whether the number (with or without its +) ends like any scripted one.
    public static bool IsScripted(string phone) => All.Any(s => phone.EndsWith(s.EndsWith, StringComparison.Ordinal));
}
