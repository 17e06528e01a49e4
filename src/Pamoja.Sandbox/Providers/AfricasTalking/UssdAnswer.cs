using System.Globalization;

namespace Pamoja.Sandbox.Providers.AfricasTalking;

// How AT reads the app's answer to a USSD step (protocols.md §5.1): HTTP 200 and a body
// starting "CON " (show the screen, wait for input) or "END " (show it, close the session).
// Anything else ends the session; Violation says what was wrong, in words a developer can act on.
public sealed record UssdAnswer(bool Ended, string? Screen, string? Violation)
{
    public const int MaxScreenSeptets = 182;

    public static UssdAnswer Broken(string violation) => new(true, null, violation);

    public static UssdAnswer Read(int statusCode, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (statusCode != 200)
        {
            return Broken(string.Create(CultureInfo.InvariantCulture,
                $"The app answered HTTP {statusCode}; Africa's Talking needs HTTP 200 with a body starting CON or END"));
        }
        if (body.Length == 0)
        {
            return Broken("Response is empty; it should start with a CON or an END");
        }

        bool ended;
        if (body.StartsWith("CON ", StringComparison.Ordinal))
        {
            ended = false;
        }
        else if (body.StartsWith("END ", StringComparison.Ordinal))
        {
            ended = true;
        }
        else
        {
            var hint = char.IsWhiteSpace(body[0])
                ? "it starts with whitespace"
                : $"it starts with \"{Escape(body.Length <= 20 ? body : body[..20])}\"";
            return Broken($"Response should start with a CON or an END ({hint})");
        }

        var screen = body[4..];
        var problems = new List<string>();
        var septets = GsmAlphabet.Septets(screen);
        if (septets > MaxScreenSeptets)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"screen is {septets} characters; limit {MaxScreenSeptets}"));
        }
        var outside = GsmAlphabet.Outside(screen);
        if (outside.Count > 0)
        {
            problems.Add("screen has characters outside the GSM 7-bit alphabet: " + string.Join(", ", outside));
        }
        return problems.Count == 0 ? new UssdAnswer(ended, screen, null) : Broken(string.Join("; ", problems));
    }

    private static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal)
            .Replace("\r", "\\r", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal);
}
