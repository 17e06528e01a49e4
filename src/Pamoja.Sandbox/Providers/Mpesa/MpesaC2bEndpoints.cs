using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Pamoja.Sandbox.Providers.Mpesa;

// C2B (protocols.md §1.6): register a paybill's URLs, then simulate a customer paying it. The
// sandbox calls the ValidationURL when one is registered (at Safaricom validation is an opt-in
// they switch on), honours accept or reject, falls back to ResponseType when the answer does not
// come in time, and then POSTs the confirmation.
public static class MpesaC2bEndpoints
{
    public const string RegisterV2Path = "/mpesa/c2b/v2/registerurl";
    public const string RegisterV1Path = "/mpesa/c2b/v1/registerurl";
    public const string SimulatePath = "/mpesa/c2b/v2/simulate";

    private static readonly string[] CommandIds = ["CustomerPayBillOnline", "CustomerBuyGoodsOnline"];

    // Daraja refuses callback URLs containing these words (protocols.md §1.1, §1.6).
    private static readonly string[] ForbiddenUrlWords = ["m-pesa", "safaricom", "exe", "cmd", "sql", "query"];

    public static async Task<IResult> RegisterAsync(HttpRequest http, MpesaTokens tokens, MpesaIds ids, MpesaBook book, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(ids);
        var (r, error) = await DarajaRequest.ReadAsync(http, tokens, ids, cancellationToken);
        if (r is null)
        {
            return error!;
        }

        if (r.Digits("ShortCode", 9) is not { } shortCode)
        {
            return r.Invalid("ShortCode");
        }
        // Exactly "Completed" or "Cancelled", sentence case: Daraja refuses "completed".
        var responseType = r.Text("ResponseType");
        if (responseType is not ("Completed" or "Cancelled"))
        {
            return r.Invalid("ResponseType");
        }
        if (r.Url("ConfirmationURL") is not { } confirmationUrl || HasForbiddenWord(confirmationUrl))
        {
            return r.Invalid("ConfirmationURL");
        }
        // Optional here: without one the sandbox skips validation, as M-Pesa does until
        // Safaricom enables it for the shortcode.
        Uri? validationUrl = null;
        if (r.Has("ValidationURL") && !r.IsEmptyString("ValidationURL"))
        {
            validationUrl = r.Url("ValidationURL");
            if (validationUrl is null || HasForbiddenWord(validationUrl))
            {
                return r.Invalid("ValidationURL");
            }
        }

        book.Register(new C2bRegistration(shortCode, responseType, confirmationUrl, validationUrl));
        return DarajaJson.Ok(new JsonObject
        {
            // Daraja's spelling (protocols.md §1.6).
            ["OriginatorCoversationID"] = ids.RequestId(),
            ["ResponseCode"] = "0",
            ["ResponseDescription"] = "Success",
        });
    }

    public static async Task<IResult> SimulateAsync(
        HttpRequest http,
        MpesaTokens tokens,
        MpesaIds ids,
        MpesaBook book,
        MpesaOutbox outbox,
        IOptions<MpesaOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var (r, error) = await DarajaRequest.ReadAsync(http, tokens, ids, cancellationToken);
        if (r is null)
        {
            return error!;
        }

        // A paybill with no registered URLs would take the money and tell no one; refusing makes
        // the missing registration obvious.
        var shortCode = r.Digits("ShortCode", 9);
        var registration = shortCode is null ? null : book.Registration(shortCode);
        if (shortCode is null || registration is null)
        {
            return r.Invalid("ShortCode");
        }
        var commandId = r.Text("CommandID");
        if (commandId is null || !CommandIds.Contains(commandId, StringComparer.Ordinal))
        {
            return r.Invalid("CommandID");
        }
        if (r.WholeAmount("Amount", 1, 250_000) is not { } amount)
        {
            return r.Invalid("Amount");
        }
        if (r.Msisdn("Msisdn") is not { } phone)
        {
            return r.Invalid("Msisdn");
        }
        // The account number is what a paybill customer types (≤ 20 characters); tills have none.
        var billRef = r.Text("BillRefNumber", 20);
        if (commandId == "CustomerPayBillOnline" ? billRef is null : r.Has("BillRefNumber") && !MpesaStkEndpoints.OptionalText(r, "BillRefNumber", 20))
        {
            return r.Invalid("BillRefNumber");
        }

        var payment = new C2bPayment
        {
            TransId = ids.Receipt(),
            ShortCode = shortCode,
            CommandId = commandId,
            Phone = phone,
            Amount = amount,
            BillRefNumber = billRef ?? "",
            AcceptedAt = time.GetUtcNow(),
        };
        book.AddC2b(payment);
        var o = options.Value;
        outbox.Schedule(o.CallbackDelay, "C2B payment " + payment.TransId, (poster, ct) => DeliverAsync(payment, registration, book, poster, o, ct));

        return DarajaJson.Ok(new JsonObject
        {
            ["OriginatorCoversationID"] = ids.RequestId(),
            ["ResponseCode"] = "0",
            ["ResponseDescription"] = "Accept the service request successfully.",
        });
    }

    private static async Task DeliverAsync(C2bPayment payment, C2bRegistration registration, MpesaBook book, MpesaCallbackPoster poster, MpesaOptions o,
        CancellationToken ct)
    {
        var thirdPartyTransId = "";
        if (registration.ValidationUrl is { } validationUrl)
        {
            var what = "C2B validation " + payment.TransId;
            var delivery = await poster.PostAsync(validationUrl, Payload(payment, "", ""), what, ct, o.ValidationTimeout);
            payment.CountCallback(delivery.Delivered);
            switch (ReadValidationAnswer(delivery))
            {
                case (true, var thirdParty):
                    thirdPartyTransId = thirdParty;
                    payment.State = "accepted";
                    break;
                case (false, _):
                    payment.State = "rejected";
                    return;
                default:
                    // No usable answer in time: M-Pesa applies the registered default.
                    if (registration.ResponseType != "Completed")
                    {
                        payment.State = "cancelled_by_default";
                        return;
                    }
                    payment.State = "accepted_by_default";
                    break;
            }
        }
        else
        {
            payment.State = "accepted";
        }

        var balance = book.CreditPaybill(payment.ShortCode, payment.Amount);
        var confirmation = await poster.PostAsync(registration.ConfirmationUrl, Payload(payment, Money(balance), thirdPartyTransId),
            "C2B confirmation " + payment.TransId, ct);
        payment.CountCallback(confirmation.Delivered);
    }

    // (accepted, ThirdPartyTransID), or null when there was no usable answer. Accept is
    // ResultCode "0" (Daraja's docs use the string; a number 0 is taken too); anything else
    // readable is a rejection.
    private static (bool Accepted, string ThirdPartyTransId)? ReadValidationAnswer(MpesaCallbackPoster.Delivery delivery)
    {
        if (!delivery.Delivered || string.IsNullOrWhiteSpace(delivery.Body))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(delivery.Body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("ResultCode", out var code))
            {
                return null;
            }
            var accepted = code.ValueKind switch
            {
                JsonValueKind.String => code.GetString() == "0",
                JsonValueKind.Number => code.TryGetInt64(out var n) && n == 0,
                _ => (bool?)null,
            };
            if (accepted is null)
            {
                return null;
            }
            var thirdParty = root.TryGetProperty("ThirdPartyTransID", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
            return (accepted.Value, thirdParty);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The validation and confirmation payload (protocols.md §1.6): every value a string, the
    // MSISDN masked as in v2, OrgAccountBalance empty on validation.
    public static string Payload(C2bPayment payment, string orgAccountBalance, string thirdPartyTransId)
    {
        ArgumentNullException.ThrowIfNull(payment);
        return DarajaJson.Serialize(new JsonObject
        {
            ["TransactionType"] = payment.CommandId == "CustomerBuyGoodsOnline" ? "Buy Goods" : "Pay Bill",
            ["TransID"] = payment.TransId,
            ["TransTime"] = MpesaTime.Compact(payment.AcceptedAt),
            ["TransAmount"] = Money(payment.Amount),
            ["BusinessShortCode"] = payment.ShortCode,
            ["BillRefNumber"] = payment.BillRefNumber,
            ["InvoiceNumber"] = "",
            ["OrgAccountBalance"] = orgAccountBalance,
            ["ThirdPartyTransID"] = thirdPartyTransId,
            ["MSISDN"] = Mask(payment.Phone),
            ["FirstName"] = "SANDBOX",
            ["MiddleName"] = "",
            ["LastName"] = "PAYER",
        });
    }

    // "2547 ***** 126": the first four and last three digits.
    public static string Mask(string msisdn)
    {
        ArgumentNullException.ThrowIfNull(msisdn);
        return msisdn.Length < 7 ? msisdn : msisdn[..4] + " ***** " + msisdn[^3..];
    }

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private static bool HasForbiddenWord(Uri url) =>
        ForbiddenUrlWords.Any(word => url.OriginalString.Contains(word, StringComparison.OrdinalIgnoreCase));
}
