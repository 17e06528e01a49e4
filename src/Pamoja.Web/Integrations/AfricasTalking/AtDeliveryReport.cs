using System.Diagnostics.CodeAnalysis;
using Pamoja.Core.Phones;

namespace Pamoja.Web.Integrations.AfricasTalking;

/// AT's delivery states (protocols.md §5.3): the first three are on the way, the last three final.
public enum AtDeliveryStatus
{
    Sent,
    Submitted,
    Buffered,
    Rejected,
    Success,
    Failed,
}

/// A delivery report for an SMS Pamoja sent (protocols.md §5.3). `Id` is the messageId the send
/// returned. Reports can come more than once and out of order: a final state must not be
/// overwritten by a later intermediate one.
public sealed record AtDeliveryReport(
    string Id,
    AtDeliveryStatus Status,
    PhoneNumber PhoneNumber,
    string? NetworkCode,
    string? FailureReason,
    int? RetryCount)
{
    public bool IsFinal => Status is AtDeliveryStatus.Rejected or AtDeliveryStatus.Success or AtDeliveryStatus.Failed;

    public bool IsDelivered => Status == AtDeliveryStatus.Success;

    public static bool TryParse(IReadOnlyDictionary<string, string>? form, [NotNullWhen(true)] out AtDeliveryReport? report) =>
        TryParse(form, out report, out _);

    /// Never throws. Required: `id`, `status` (one of AT's six words, any case), `phoneNumber`
    /// (+E.164). `failureReason` is an AT word such as "InsufficientCredit"; `retryCount` a
    /// whole number when present.
    public static bool TryParse(IReadOnlyDictionary<string, string>? form, [NotNullWhen(true)] out AtDeliveryReport? report, out string? error)
    {
        report = null;
        if (form is null)
        {
            error = "no form";
            return false;
        }
        if (!AtForm.RequiredToken(form, "id", AtForm.MaxIdLength, out var id, out error))
            return false;
        if (ParseStatus(AtForm.Get(form, "status")) is not { } status)
        {
            error = "'status' is not one of Sent, Submitted, Buffered, Rejected, Success, Failed";
            return false;
        }
        if (!AtForm.RequiredPhone(form, "phoneNumber", out var phone, out error) ||
            !AtForm.OptionalToken(form, "networkCode", AtForm.MaxCodeLength, out var networkCode, out error) ||
            !AtForm.OptionalText(form, "failureReason", 200, lineBreaks: false, out var failureReason, out error) ||
            !AtForm.OptionalCount(form, "retryCount", 1000, out var retryCount, out error))
            return false;

        report = new AtDeliveryReport(id, status, phone, networkCode,
            string.IsNullOrWhiteSpace(failureReason) ? null : failureReason, (int?)retryCount);
        return true;
    }

    // Enum.TryParse would also take "3" or "Success,Failed"; only the six words are AT's.
    private static AtDeliveryStatus? ParseStatus(string? value) => (value is { Length: <= 20 } ? value.ToUpperInvariant() : null) switch
    {
        "SENT" => AtDeliveryStatus.Sent,
        "SUBMITTED" => AtDeliveryStatus.Submitted,
        "BUFFERED" => AtDeliveryStatus.Buffered,
        "REJECTED" => AtDeliveryStatus.Rejected,
        "SUCCESS" => AtDeliveryStatus.Success,
        "FAILED" => AtDeliveryStatus.Failed,
        _ => null,
    };
}
