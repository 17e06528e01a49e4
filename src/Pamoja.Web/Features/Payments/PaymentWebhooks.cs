using Pamoja.Web.Integrations.Momo;
using Pamoja.Web.Integrations.Mpesa;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Features.Payments;

/// api.md § Provider callbacks, for the payment providers. Each endpoint stores the raw body
/// first, parses it with its provider's parser (Integrations/), and answers as that provider
/// expects. No bearer auth: Daraja and MoMo sign nothing (protocols.md §1.1, §2.6), so a
/// callback is only believed for a payment Pamoja itself sent (its handle, or the "p" reference
/// Pamoja put in the callback URL) and only once per provider event; anything else is
/// quarantined. Bad input never gets a 500: it gets a 400 and nothing but its raw row.
public static class PaymentWebhooks
{
    // The acknowledgements and C2B answers are Daraja's (MpesaCallbacks); this is Pamoja's own
    // answer to a body that is no Daraja callback at all.
    private const string DarajaRejected = """{"ResultCode":1,"ResultDesc":"Rejected: not a valid callback"}""";

    public static WebApplication MapPaymentWebhooks(this WebApplication app)
    {
        var hooks = app.MapGroup("/webhooks").WithTags("Provider callbacks").DisableAntiforgery();
        hooks.MapPost("/mpesa/stk", (HttpContext http, CallbackInbox inbox, CancellationToken ct) =>
            PaymentCallbackAsync(http, inbox, "mpesa", "stk", MpesaCallbacks.ParseStk, ct));
        hooks.MapPost("/mpesa/b2c/result", (HttpContext http, CallbackInbox inbox, CancellationToken ct) =>
            PaymentCallbackAsync(http, inbox, "mpesa", "b2c_result", MpesaCallbacks.ParseB2cResult, ct));
        hooks.MapPost("/mpesa/b2c/timeout", (HttpContext http, CallbackInbox inbox, CancellationToken ct) =>
            PaymentCallbackAsync(http, inbox, "mpesa", "b2c_timeout", MpesaCallbacks.ParseB2cTimeout, ct));
        hooks.MapPost("/mpesa/status/result", (HttpContext http, CallbackInbox inbox, CancellationToken ct) =>
            PaymentCallbackAsync(http, inbox, "mpesa", "status_result", MpesaCallbacks.ParseStatusResult, ct));
        hooks.MapPost("/mpesa/status/timeout", (HttpContext http, CallbackInbox inbox, CancellationToken ct) =>
            PaymentCallbackAsync(http, inbox, "mpesa", "status_timeout", MpesaCallbacks.ParseB2cTimeout, ct));
        hooks.MapPost("/mpesa/c2b/validation", ValidateDepositAsync);
        hooks.MapPost("/mpesa/c2b/confirmation", ConfirmDepositAsync);
        hooks.MapMethods("/momo", ["POST", "PUT"], MomoCallbackAsync);
        return app;
    }

    private static async Task<IResult> PaymentCallbackAsync(HttpContext http, CallbackInbox inbox, string provider, string kind,
        Func<string, ProviderNotice?> parse, CancellationToken ct)
    {
        var stored = await inbox.StoreAsync(http, provider, kind, ct);
        var notice = stored.Truncated ? null : parse(stored.Body);
        if (notice is null)
        {
            await inbox.QuarantineAsync(stored.Id, stored.Truncated ? "body too large" : $"not a valid {provider} {kind} callback", ct);
            return Json(DarajaRejected, StatusCodes.Status400BadRequest);
        }
        await inbox.ProcessAsync(stored, notice, http.Request.Query["p"], http.Request.Query["k"], ct);
        // Stored and dealt with (processed, or quarantined for a person): Daraja must not resend it.
        return Json(MpesaCallbacks.StkAck, StatusCodes.Status200OK);
    }

    private static async Task<IResult> MomoCallbackAsync(HttpContext http, CallbackInbox inbox, CancellationToken ct)
    {
        var stored = await inbox.StoreAsync(http, "momo", "callback", ct);
        var reference = (string?)http.Request.Query["ref"];
        var notice = stored.Truncated ? null : MomoCallbacks.Parse(stored.Body, reference);
        if (notice is null)
        {
            await inbox.QuarantineAsync(stored.Id, stored.Truncated ? "body too large" : "not a valid MoMo callback", ct);
            return Results.BadRequest();
        }
        await inbox.ProcessAsync(stored, notice, null, http.Request.Query["k"], ct);
        return Results.Ok();
    }

    /// C2B validation: accept a deposit only to a member's pay code (C2B00012 otherwise), in
    /// whole shillings (C2B00013). M-Pesa waits about 8 seconds for this answer.
    private static async Task<IResult> ValidateDepositAsync(HttpContext http, CallbackInbox inbox, CallbackTokens tokens, CancellationToken ct)
    {
        var stored = await inbox.StoreAsync(http, "mpesa", "c2b_validation", ct);
        var deposit = stored.Truncated ? null : MpesaCallbacks.ParseC2b(stored.Body);
        if (deposit is null)
        {
            await inbox.QuarantineAsync(stored.Id, "not a valid C2B validation request", ct);
            return Json(MpesaCallbacks.C2bReject(MpesaCallbacks.OtherError), StatusCodes.Status200OK);
        }
        // Without the paybill's token the request did not come from the registered URL.
        var code = !await tokens.IsPaybillTokenAsync(http.Request.Query["k"], ct) ? MpesaCallbacks.OtherError
            : deposit.Amount <= 0 ? MpesaCallbacks.InvalidAmount
            : !await inbox.AcceptsDepositAsync(deposit.BillRefNumber, "KES", ct) ? MpesaCallbacks.InvalidAccountNumber
            : null;
        await inbox.HandledAsync(stored.Id, code is null ? "validation: accepted" : $"validation: rejected {code}", ct);
        return Json(code is null ? MpesaCallbacks.C2bAccept : MpesaCallbacks.C2bReject(code),
            StatusCodes.Status200OK);
    }

    /// C2B confirmation: the money has moved at M-Pesa; it is recorded once per TransID and
    /// always acknowledged (refusing cannot send it back).
    private static async Task<IResult> ConfirmDepositAsync(HttpContext http, CallbackInbox inbox, CancellationToken ct)
    {
        var stored = await inbox.StoreAsync(http, "mpesa", "c2b_confirmation", ct);
        var deposit = stored.Truncated ? null : MpesaCallbacks.ParseC2b(stored.Body);
        if (deposit is null)
        {
            await inbox.QuarantineAsync(stored.Id, "not a valid C2B confirmation", ct);
            return Json("""{"ResultCode":1,"ResultDesc":"Rejected: not a valid confirmation"}""", StatusCodes.Status400BadRequest);
        }
        await inbox.DepositAsync(stored, new DepositNotice("mpesa", deposit.TransId, deposit.BillRefNumber, deposit.Amount, "KES", deposit.Msisdn),
            http.Request.Query["k"], ct);
        return Json(MpesaCallbacks.C2bConfirmationAck, StatusCodes.Status200OK);
    }

    private static IResult Json(string body, int status) => Results.Text(body, "application/json", System.Text.Encoding.UTF8, status);
}
