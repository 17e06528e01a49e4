using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Pamoja.Sandbox.Providers.Mpesa;

// M-Pesa Express: POST /mpesa/stkpush/v1/processrequest and /mpesa/stkpushquery/v1/query
// (protocols.md §1.2, §1.3). Fields are checked in the order of Daraja's table, so a request
// with several faults always names the same one.
public static class MpesaStkEndpoints
{
    public const string PushPath = "/mpesa/stkpush/v1/processrequest";
    public const string QueryPath = "/mpesa/stkpushquery/v1/query";

    public const long MinAmount = 1;
    public const long MaxAmount = 250_000;

    private static readonly string[] TransactionTypes = ["CustomerPayBillOnline", "CustomerBuyGoodsOnline"];

    // base64(BusinessShortCode + Passkey + Timestamp), plain concatenation (protocols.md §1.2).
    public static string Password(string shortCode, string passkey, string timestamp) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(shortCode + passkey + timestamp));

    public static async Task<IResult> PushAsync(
        HttpRequest http,
        MpesaTokens tokens,
        MpesaIds ids,
        MpesaBook book,
        MpesaBurstCounter burst,
        MpesaOutbox outbox,
        IOptions<MpesaOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(burst);
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(time);
        var (r, error) = await DarajaRequest.ReadAsync(http, tokens, ids, cancellationToken);
        if (r is null)
        {
            return error!;
        }
        var o = options.Value;

        // The 503 script comes before validation: an overloaded gateway looks at nothing.
        if (burst.Refuse(r.Digits("PhoneNumber")))
        {
            return DarajaErrors.Error(StatusCodes.Status503ServiceUnavailable, r.RequestId, DarajaErrors.SystemBusy, "System is busy. Please try again in few minutes.");
        }

        var shortCode = r.Digits("BusinessShortCode");
        if (shortCode is null || shortCode != o.StkShortCode)
        {
            return r.Invalid("BusinessShortCode");
        }
        if (!ValidTimestamp(r.Text("Timestamp"), out var timestamp))
        {
            return r.Invalid("Timestamp");
        }
        if (r.Text("Password") != Password(shortCode, o.Passkey, timestamp))
        {
            return r.Invalid("Password");
        }
        var transactionType = r.Text("TransactionType");
        if (transactionType is null || !TransactionTypes.Contains(transactionType, StringComparer.Ordinal))
        {
            return r.Invalid("TransactionType");
        }
        if (r.WholeAmount("Amount", MinAmount, MaxAmount) is not { } amount)
        {
            return r.Invalid("Amount");
        }
        if (r.Msisdn("PartyA") is null)
        {
            return r.Invalid("PartyA");
        }
        // A paybill collects into its own shortcode; a till (BuyGoods) into its till number.
        var partyB = r.Digits("PartyB");
        if (partyB is null || (transactionType == "CustomerPayBillOnline" && partyB != shortCode))
        {
            return r.Invalid("PartyB");
        }
        if (r.Msisdn("PhoneNumber") is not { } phone)
        {
            return r.Invalid("PhoneNumber");
        }
        if (r.Url("CallBackURL") is not { } callbackUrl)
        {
            return r.Invalid("CallBackURL");
        }
        if (r.Text("AccountReference", 12) is not { } accountReference)
        {
            return r.Invalid("AccountReference");
        }
        if (r.Has("TransactionDesc") && !OptionalText(r, "TransactionDesc", 13))
        {
            return r.Invalid("TransactionDesc");
        }

        var now = time.GetUtcNow();
        var outcome = MpesaScripts.StkOutcome(phone);
        var push = new StkPush
        {
            MerchantRequestId = ids.RequestId(),
            CheckoutRequestId = ids.CheckoutRequestId(now),
            Phone = phone,
            Amount = amount,
            AccountReference = accountReference,
            CallbackUrl = callbackUrl,
            Outcome = outcome,
            AcceptedAt = now,
            // An unreachable phone never answers; the prompt simply expires.
            CompletesAt = now + (outcome == MpesaOutcome.Unreachable ? o.StkExpiry : o.CallbackDelay),
            Receipt = outcome.Pays() ? ids.Receipt() : null,
        };
        if (!book.TryAddStk(push))
        {
            return DarajaErrors.Error(StatusCodes.Status500InternalServerError, r.RequestId, DarajaErrors.SubscriberLocked, DarajaErrors.SubscriberLockedMessage);
        }

        ScheduleCallbacks(push, outbox, o);

        return DarajaJson.Ok(new JsonObject
        {
            ["MerchantRequestID"] = push.MerchantRequestId,
            ["CheckoutRequestID"] = push.CheckoutRequestId,
            ["ResponseCode"] = "0",
            ["ResponseDescription"] = "Success. Request accepted for processing",
            ["CustomerMessage"] = "Success. Request accepted for processing",
        });
    }

    public static async Task<IResult> QueryAsync(
        HttpRequest http,
        MpesaTokens tokens,
        MpesaIds ids,
        MpesaBook book,
        IOptions<MpesaOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(time);
        var (r, error) = await DarajaRequest.ReadAsync(http, tokens, ids, cancellationToken);
        if (r is null)
        {
            return error!;
        }
        var o = options.Value;

        var shortCode = r.Digits("BusinessShortCode");
        if (shortCode is null || shortCode != o.StkShortCode)
        {
            return r.Invalid("BusinessShortCode");
        }
        if (!ValidTimestamp(r.Text("Timestamp"), out var timestamp))
        {
            return r.Invalid("Timestamp");
        }
        if (r.Text("Password") != Password(shortCode, o.Passkey, timestamp))
        {
            return r.Invalid("Password");
        }
        var checkoutRequestId = r.Text("CheckoutRequestID", 100);
        var push = checkoutRequestId is null ? null : book.FindStk(checkoutRequestId);
        if (push is null)
        {
            return r.Invalid("CheckoutRequestID");
        }

        if (push.IsPending(time.GetUtcNow()))
        {
            // Not a failure: the customer has not acted yet (protocols.md §1.3). Daraja puts the
            // CheckoutRequestID in requestId here.
            return DarajaErrors.Error(StatusCodes.Status500InternalServerError, push.CheckoutRequestId, DarajaErrors.SubscriberLocked, DarajaErrors.BeingProcessedMessage);
        }

        var (code, desc) = push.Outcome.Stk();
        return DarajaJson.Ok(new JsonObject
        {
            ["ResponseCode"] = "0",
            ["ResponseDescription"] = "The service request has been accepted successfully",
            ["MerchantRequestID"] = push.MerchantRequestId,
            ["CheckoutRequestID"] = push.CheckoutRequestId,
            // A string here, a number in the callback (protocols.md §1.3).
            ["ResultCode"] = code.ToString(CultureInfo.InvariantCulture),
            ["ResultDesc"] = desc,
        });
    }

    // The callback body of protocols.md §1.2: numeric ResultCode, CallbackMetadata on success only.
    public static string CallbackBody(StkPush push)
    {
        ArgumentNullException.ThrowIfNull(push);
        var (code, desc) = push.Outcome.Stk();
        var callback = new JsonObject
        {
            ["MerchantRequestID"] = push.MerchantRequestId,
            ["CheckoutRequestID"] = push.CheckoutRequestId,
            ["ResultCode"] = code,
            ["ResultDesc"] = desc,
        };
        if (push.Outcome.Pays())
        {
            callback["CallbackMetadata"] = new JsonObject
            {
                ["Item"] = new JsonArray
                {
                    new JsonObject { ["Name"] = "Amount", ["Value"] = DarajaJson.Shillings(push.Amount) },
                    new JsonObject { ["Name"] = "MpesaReceiptNumber", ["Value"] = push.Receipt },
                    // Real callbacks sometimes carry a Balance item with no Value (protocols.md
                    // §1.2); it is here so parsers that read by position or demand a Value break
                    // in the sandbox, not in production.
                    new JsonObject { ["Name"] = "Balance" },
                    new JsonObject { ["Name"] = "TransactionDate", ["Value"] = MpesaTime.CompactNumber(push.CompletesAt) },
                    new JsonObject { ["Name"] = "PhoneNumber", ["Value"] = long.Parse(push.Phone, CultureInfo.InvariantCulture) },
                },
            };
        }
        return DarajaJson.Serialize(new JsonObject { ["Body"] = new JsonObject { ["stkCallback"] = callback } });
    }

    private static void ScheduleCallbacks(StkPush push, MpesaOutbox outbox, MpesaOptions o)
    {
        if (push.Outcome is MpesaOutcome.Unreachable or MpesaOutcome.LostCallback)
        {
            return;
        }
        var delay = push.Outcome == MpesaOutcome.LateCallback ? Max(o.LateCallbackDelay, o.CallbackDelay) : o.CallbackDelay;
        var copies = push.Outcome == MpesaOutcome.DuplicateCallbacks ? MpesaScripts.DuplicateDeliveries : 1;
        var body = CallbackBody(push);
        for (var i = 0; i < copies; i++)
        {
            outbox.Schedule(delay, "STK callback " + push.CheckoutRequestId, async (poster, ct) =>
            {
                var delivery = await poster.PostAsync(push.CallbackUrl, body, "STK callback " + push.CheckoutRequestId, ct);
                push.CountCallback(delivery.Delivered);
            });
        }
    }

    internal static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    internal static bool OptionalText(DarajaRequest r, string field, int maxLength) =>
        r.Body.GetProperty(field).ValueKind == System.Text.Json.JsonValueKind.String && r.Body.GetProperty(field).GetString()!.Length <= maxLength;

    // YYYYMMDDHHmmss. Only the format is checked: whether Daraja rejects a stale or UTC
    // timestamp is unconfirmed (protocols.md §1.7), and the sandbox does not invent a rule.
    private static bool ValidTimestamp(string? text, out string timestamp)
    {
        timestamp = text ?? "";
        return text is { Length: 14 }
            && DateTime.TryParseExact(text, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
    }
}
