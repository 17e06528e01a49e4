using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Pamoja.Sandbox.Timing;

namespace Pamoja.Sandbox.Providers.Mpesa;

// B2C payment request (protocols.md §1.4): POST /mpesa/b2c/v3/paymentrequest, and the older
// v1 path without OriginatorConversationID. Wrong initiator details are not refused here: M-Pesa
// accepts the request and reports ResultCode 2001 in the result, so the sandbox does too.
public static class MpesaB2cEndpoints
{
    public const string V3Path = "/mpesa/b2c/v3/paymentrequest";
    public const string V1Path = "/mpesa/b2c/v1/paymentrequest";

    public const long MinAmount = 10;
    public const long MaxAmount = 250_000;

    private static readonly string[] CommandIds = ["BusinessPayment", "SalaryPayment", "PromotionPayment"];

    public static Task<IResult> V3Async(HttpContext http, MpesaTokens tokens, MpesaIds ids, MpesaBook book, MpesaBurstCounter burst,
        MpesaOutbox outbox, MpesaCertificate certificate, IOptions<MpesaOptions> options, TimeProvider time) =>
        PayAsync(http, tokens, ids, book, burst, outbox, certificate, options, time, v3: true);

    public static Task<IResult> V1Async(HttpContext http, MpesaTokens tokens, MpesaIds ids, MpesaBook book, MpesaBurstCounter burst,
        MpesaOutbox outbox, MpesaCertificate certificate, IOptions<MpesaOptions> options, TimeProvider time) =>
        PayAsync(http, tokens, ids, book, burst, outbox, certificate, options, time, v3: false);

    private static async Task<IResult> PayAsync(HttpContext http, MpesaTokens tokens, MpesaIds ids, MpesaBook book, MpesaBurstCounter burst,
        MpesaOutbox outbox, MpesaCertificate certificate, IOptions<MpesaOptions> options, TimeProvider time, bool v3)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(certificate);
        var (r, error) = await DarajaRequest.ReadAsync(http.Request, tokens, ids, http.RequestAborted);
        if (r is null)
        {
            return error!;
        }
        var o = options.Value;

        if (burst.Refuse(r.Digits("PartyB")))
        {
            return DarajaErrors.Error(StatusCodes.Status503ServiceUnavailable, r.RequestId, DarajaErrors.SystemBusy, "System is busy. Please try again in few minutes.");
        }

        // v1 predates the client's id; M-Pesa makes one up, and then there is no duplicate check.
        string originatorConversationId;
        if (v3)
        {
            if (r.Text("OriginatorConversationID", 100) is not { } given)
            {
                return r.Invalid("OriginatorConversationID");
            }
            originatorConversationId = given;
        }
        else
        {
            originatorConversationId = ids.RequestId();
        }
        if (r.Text("InitiatorName", 100) is not { } initiatorName)
        {
            return r.Invalid("InitiatorName");
        }
        if (r.Text("SecurityCredential", 4_000) is not { } securityCredential)
        {
            return r.Invalid("SecurityCredential");
        }
        var commandId = r.Text("CommandID");
        if (commandId is null || !CommandIds.Contains(commandId, StringComparer.Ordinal))
        {
            return r.Invalid("CommandID");
        }
        if (r.WholeAmount("Amount", MinAmount, MaxAmount) is not { } amount)
        {
            return r.Invalid("Amount");
        }
        if (r.Digits("PartyA") != o.B2cShortCode)
        {
            return r.Invalid("PartyA");
        }
        if (r.Msisdn("PartyB") is not { } phone)
        {
            return r.Invalid("PartyB");
        }
        if (r.Text("Remarks", 100) is not { Length: >= 2 } remarks)
        {
            return r.Invalid("Remarks");
        }
        if (r.Url("QueueTimeOutURL") is not { } queueTimeOutUrl)
        {
            return r.Invalid("QueueTimeOutURL");
        }
        if (r.Url("ResultURL") is not { } resultUrl)
        {
            return r.Invalid("ResultURL");
        }
        // Daraja's spelling, double "s" (protocols.md §1.4).
        if (r.Has("Occassion") && !MpesaStkEndpoints.OptionalText(r, "Occassion", 100))
        {
            return r.Invalid("Occassion");
        }

        var credentialValid = initiatorName == o.InitiatorName && certificate.Verify(securityCredential, o.InitiatorPassword);
        var outcome = credentialValid ? MpesaScripts.B2cOutcome(phone) : MpesaOutcome.InvalidCredential;
        var now = time.GetUtcNow();
        var payment = new B2cPayment
        {
            OriginatorConversationId = originatorConversationId,
            ConversationId = ids.ConversationId(now),
            CommandId = commandId,
            Phone = phone,
            Amount = amount,
            Remarks = remarks,
            Occasion = r.Text("Occassion", 100),
            ResultUrl = resultUrl,
            QueueTimeOutUrl = queueTimeOutUrl,
            Outcome = outcome,
            AcceptedAt = now,
            // The ambiguous script pays at once; only the answer is held back.
            CompletesAt = outcome == MpesaOutcome.Ambiguous ? now : now + o.CallbackDelay,
            TransactionId = ids.Receipt(),
        };
        if (!book.TryAddB2c(payment))
        {
            return DarajaErrors.Error(StatusCodes.Status500InternalServerError, r.RequestId,
                DarajaErrors.DuplicateOriginatorConversationId, "Duplicate OriginatorConversationID.");
        }

        if (outcome == MpesaOutcome.Ambiguous)
        {
            try
            {
                await time.UntilAsync(now + o.AmbiguousDelay, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up waiting, which is the point: the payout stands regardless.
                return Results.Empty;
            }
        }
        else
        {
            ScheduleResults(payment, outbox, o);
        }

        return DarajaJson.Ok(new JsonObject
        {
            ["ConversationID"] = payment.ConversationId,
            ["OriginatorConversationID"] = payment.OriginatorConversationId,
            ["ResponseCode"] = "0",
            ["ResponseDescription"] = "Accept the service request successfully.",
        });
    }

    // The Result of protocols.md §1.4: ResultParameters on success only.
    public static string ResultBody(B2cPayment payment, MpesaOptions o)
    {
        ArgumentNullException.ThrowIfNull(payment);
        ArgumentNullException.ThrowIfNull(o);
        var (code, desc) = payment.Outcome.B2c();
        var result = new JsonObject
        {
            ["ResultType"] = 0,
            ["ResultCode"] = code,
            ["ResultDesc"] = desc,
            ["OriginatorConversationID"] = payment.OriginatorConversationId,
            ["ConversationID"] = payment.ConversationId,
            ["TransactionID"] = payment.TransactionId,
        };
        if (payment.Outcome.Pays())
        {
            result["ResultParameters"] = new JsonObject
            {
                ["ResultParameter"] = new JsonArray
                {
                    Parameter("TransactionAmount", payment.Amount),
                    Parameter("TransactionReceipt", payment.TransactionId),
                    Parameter("ReceiverPartyPublicName", payment.Phone + " - SANDBOX PAYEE"),
                    Parameter("TransactionCompletedDateTime", MpesaTime.Dotted(payment.CompletesAt)),
                    Parameter("B2CUtilityAccountAvailableFunds", payment.UtilityBalanceAfter),
                    Parameter("B2CWorkingAccountAvailableFunds", 0.00m),
                    Parameter("B2CRecipientIsRegisteredCustomer", "Y"),
                    Parameter("B2CChargesPaidAccountAvailableFunds", 0.00m),
                },
            };
        }
        result["ReferenceData"] = new JsonObject
        {
            ["ReferenceItem"] = new JsonObject { ["Key"] = "QueueTimeoutURL", ["Value"] = payment.QueueTimeOutUrl.ToString() },
        };
        return DarajaJson.Serialize(new JsonObject { ["Result"] = result });
    }

    // A Key/Value pair; a missing value leaves the Value out altogether, as Daraja's samples do.
    internal static JsonObject Parameter(string key, JsonNode? value) =>
        value is null ? new JsonObject { ["Key"] = key } : new JsonObject { ["Key"] = key, ["Value"] = value };

    private static void ScheduleResults(B2cPayment payment, MpesaOutbox outbox, MpesaOptions o)
    {
        if (payment.Outcome == MpesaOutcome.LostCallback)
        {
            return;
        }
        var delay = payment.Outcome == MpesaOutcome.LateCallback ? MpesaStkEndpoints.Max(o.LateCallbackDelay, o.CallbackDelay) : o.CallbackDelay;
        var copies = payment.Outcome == MpesaOutcome.DuplicateCallbacks ? MpesaScripts.DuplicateDeliveries : 1;
        var body = ResultBody(payment, o);
        var what = string.Create(CultureInfo.InvariantCulture, $"B2C result {payment.OriginatorConversationId}");
        for (var i = 0; i < copies; i++)
        {
            outbox.Schedule(delay, what, async (poster, ct) =>
            {
                var delivery = await poster.PostAsync(payment.ResultUrl, body, what, ct);
                payment.CountCallback(delivery.Delivered);
            });
        }
    }
}
