using System.Diagnostics.CodeAnalysis;
using Pamoja.Core.Phones;

namespace Pamoja.Web.Integrations.AfricasTalking;

/// One step of a USSD session as Africa's Talking posts it (protocols.md §5.1): on the dial
/// `Text` is empty, then it holds every input of the session so far joined by '*' ("1*2*500").
/// The app keeps no state between steps; the menu position is re-derived from `Inputs`.
public sealed record UssdRequest(string SessionId, string ServiceCode, PhoneNumber PhoneNumber, string? NetworkCode, string Text)
{
    public const int MaxSessionIdLength = 100;
    public const int MaxTextLength = 1000;

    // Service codes are "*384*1234#"-shaped; anything much longer is not one.
    public const int MaxServiceCodeLength = 40;

    /// Each input in order. Empty entries are kept ("1**2" is three inputs, the middle one
    /// empty): a user who sends an empty reply still moved the menu on a step. Computed, not
    /// stored, so `with { Text = … }` and record equality stay right.
    public IReadOnlyList<string> Inputs => Text.Length == 0 ? [] : Text.Split('*');

    /// What the user typed on this step; null on the dial.
    public string? LastInput => Text.Length == 0 ? null : Text[(Text.LastIndexOf('*') + 1)..];

    /// Never throws. `error` names the first field that is missing or malformed. `sessionId`
    /// and `phoneNumber` are required; `text` absent is taken as the dial (empty); `serviceCode`
    /// absent is empty; `networkCode` is optional.
    public static bool TryParse(IReadOnlyDictionary<string, string>? form, [NotNullWhen(true)] out UssdRequest? request, out string? error)
    {
        request = null;
        if (form is null)
        {
            error = "no form";
            return false;
        }
        if (!AtForm.RequiredToken(form, "sessionId", MaxSessionIdLength, out var sessionId, out error) ||
            !AtForm.RequiredPhone(form, "phoneNumber", out var phone, out error) ||
            !AtForm.OptionalToken(form, "serviceCode", MaxServiceCodeLength, out var serviceCode, out error) ||
            !AtForm.OptionalToken(form, "networkCode", AtForm.MaxCodeLength, out var networkCode, out error))
            return false;

        var text = AtForm.Get(form, "text") ?? "";
        // Inputs come from a phone keypad: no line breaks or other control characters.
        if (!AtForm.IsText(text, MaxTextLength, lineBreaks: false))
        {
            error = $"'text' is longer than {MaxTextLength} characters or holds control characters";
            return false;
        }

        request = new UssdRequest(sessionId, serviceCode ?? "", phone, networkCode, text);
        error = null;
        return true;
    }
}
