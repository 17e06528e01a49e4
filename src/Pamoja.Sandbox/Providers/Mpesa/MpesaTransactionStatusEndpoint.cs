using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Pamoja.Sandbox.Providers.Mpesa;

// POST /mpesa/transactionstatus/v1/query (protocols.md §1.5): the way a lost or ambiguous B2C
// is settled. Accepted synchronously like B2C; the answer comes as a Result to ResultURL after
// CallbackDelay, built at that moment so it reports what is true then.
public static class MpesaTransactionStatusEndpoint
{
    public const string Path = "/mpesa/transactionstatus/v1/query";

    // For an id M-Pesa never saw. Daraja's public pages do not show this case; "R000001" follows
    // the shape of the codes M-Pesa uses for lookups that find nothing (a letter and six digits,
    // as a string, like B2C's "SFC_IC0003" is a string) and is distinct from every code the
    // payment APIs use, so a client cannot confuse "no such transaction" with a payment's own
    // failure. A client that does not know it should treat the outcome as still unknown.
    public const string NotFoundCode = "R000001";
    public const string NotFoundDesc = "The transaction could not be found.";

    private static readonly string[] IdentifierTypes = ["1", "2", "4"];

    public static async Task<IResult> HandleAsync(
        HttpRequest http,
        MpesaTokens tokens,
        MpesaIds ids,
        MpesaBook book,
        MpesaOutbox outbox,
        MpesaCertificate certificate,
        IOptions<MpesaOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(time);
        var (r, error) = await DarajaRequest.ReadAsync(http, tokens, ids, cancellationToken);
        if (r is null)
        {
            return error!;
        }
        var o = options.Value;

        if (r.Text("Initiator", 100) is not { } initiator)
        {
            return r.Invalid("Initiator");
        }
        if (r.Text("SecurityCredential", 4_000) is not { } securityCredential)
        {
            return r.Invalid("SecurityCredential");
        }
        if (r.Text("CommandID") != "TransactionStatusQuery")
        {
            return r.Invalid("CommandID");
        }
        var transactionId = r.Text("TransactionID", 100);
        var originalConversationId = r.Text("OriginalConversationID", 100);
        if (transactionId is null && originalConversationId is null)
        {
            return r.Invalid("TransactionID");
        }
        if (r.Digits("PartyA") is null)
        {
            return r.Invalid("PartyA");
        }
        var identifierType = r.Digits("IdentifierType");
        if (identifierType is null || !IdentifierTypes.Contains(identifierType, StringComparer.Ordinal))
        {
            return r.Invalid("IdentifierType");
        }
        if (r.Url("ResultURL") is not { } resultUrl)
        {
            return r.Invalid("ResultURL");
        }
        if (r.Url("QueueTimeOutURL") is null)
        {
            return r.Invalid("QueueTimeOutURL");
        }
        if (r.Text("Remarks", 100) is null)
        {
            return r.Invalid("Remarks");
        }
        if (r.Has("Occasion") && !MpesaStkEndpoints.OptionalText(r, "Occasion", 100))
        {
            return r.Invalid("Occasion");
        }

        var credentialValid = initiator == o.InitiatorName && certificate.Verify(securityCredential, o.InitiatorPassword);
        var query = new StatusQuery(ids.RequestId(), ids.ConversationId(time.GetUtcNow()), transactionId, originalConversationId,
            r.Text("Occasion", 100), credentialValid);

        var what = "Transaction Status result " + query.ConversationId;
        outbox.Schedule(o.CallbackDelay, what, async (poster, ct) =>
            await poster.PostAsync(resultUrl, ResultBody(query, book, ids, o, time.GetUtcNow()), what, ct));

        return DarajaJson.Ok(new JsonObject
        {
            ["OriginatorConversationID"] = query.OriginatorConversationId,
            ["ConversationID"] = query.ConversationId,
            ["ResponseCode"] = "0",
            ["ResponseDescription"] = "Accept the service request successfully.",
        });
    }

    public sealed record StatusQuery(string OriginatorConversationId, string ConversationId, string? TransactionId, string? OriginalConversationId,
        string? Occasion, bool CredentialValid);

    // The Result for one status query, as of `now`.
    public static string ResultBody(StatusQuery query, MpesaBook book, MpesaIds ids, MpesaOptions o, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(o);
        var result = new JsonObject
        {
            ["ResultType"] = 0,
        };
        // By OriginatorConversationID first (how Pamoja asks about a payout); by receipt otherwise.
        var found = (query.OriginalConversationId is { } oci ? book.FindB2c(oci) : null)
            ?? (query.TransactionId is { } tid ? book.FindTransaction(tid) : null);

        if (!query.CredentialValid)
        {
            // The query itself was refused: this says nothing about the transaction asked about.
            result["ResultCode"] = 2001;
            result["ResultDesc"] = "The initiator information is invalid.";
        }
        else if (found is null)
        {
            result["ResultCode"] = NotFoundCode;
            result["ResultDesc"] = NotFoundDesc;
        }
        else
        {
            result["ResultCode"] = 0;
            result["ResultDesc"] = "The service request has been accepted successfully.";
        }
        result["OriginatorConversationID"] = query.OriginatorConversationId;
        result["ConversationID"] = query.ConversationId;

        if (query.CredentialValid && found is not null)
        {
            var view = Describe(found, o, now);
            result["TransactionID"] = view.Receipt;
            result["ResultParameters"] = new JsonObject
            {
                ["ResultParameter"] = new JsonArray
                {
                    MpesaB2cEndpoints.Parameter("DebitPartyName", view.DebitParty),
                    MpesaB2cEndpoints.Parameter("CreditPartyName", view.CreditParty),
                    MpesaB2cEndpoints.Parameter("OriginatorConversationID", view.OriginatorConversationId),
                    MpesaB2cEndpoints.Parameter("InitiatedTime", MpesaTime.CompactNumber(view.InitiatedAt)),
                    MpesaB2cEndpoints.Parameter("DebitAccountType", view.DebitAccountType),
                    MpesaB2cEndpoints.Parameter("DebitPartyCharges", view.Charges),
                    MpesaB2cEndpoints.Parameter("ReasonType", view.ReasonType),
                    MpesaB2cEndpoints.Parameter("TransactionReason", view.Reason),
                    MpesaB2cEndpoints.Parameter("TransactionStatus", view.Status),
                    MpesaB2cEndpoints.Parameter("FinalisedTime", view.Status == "Pending" ? null : MpesaTime.CompactNumber(view.FinalisedAt)),
                    MpesaB2cEndpoints.Parameter("Amount", DarajaJson.Shillings(view.Amount)),
                    MpesaB2cEndpoints.Parameter("ConversationID", view.ConversationId),
                    MpesaB2cEndpoints.Parameter("ReceiptNo", view.Receipt),
                },
            };
        }
        else
        {
            result["TransactionID"] = ids.Receipt();
        }

        // Daraja echoes the Occasion back here (the official sample shows the item without a
        // Value when none was sent).
        var occasion = new JsonObject { ["Key"] = "Occasion" };
        if (query.Occasion is not null)
        {
            occasion["Value"] = query.Occasion;
        }
        result["ReferenceData"] = new JsonObject { ["ReferenceItem"] = occasion };
        return DarajaJson.Serialize(new JsonObject { ["Result"] = result });
    }

    private sealed record TransactionView(string Receipt, string DebitParty, string CreditParty, string? OriginatorConversationId, string? ConversationId,
        DateTimeOffset InitiatedAt, DateTimeOffset FinalisedAt, string DebitAccountType, string? Charges, string ReasonType, string? Reason,
        string Status, long Amount);

    private static TransactionView Describe(object found, MpesaOptions o, DateTimeOffset now) => found switch
    {
        B2cPayment b => new TransactionView(b.TransactionId, o.B2cShortCode + " - Pamoja Sandbox B2C", b.Phone + " - SANDBOX PAYEE",
            b.OriginatorConversationId, b.ConversationId, b.AcceptedAt, b.CompletesAt, "Utility Account", "Fee For B2C Payment|KES|0.00",
            "Business Payment to Customer via API", b.Outcome.Pays() ? null : b.Outcome.B2c().Desc,
            b.IsPending(now) ? "Pending" : b.Outcome.Pays() ? "Completed" : "Failed", b.Amount),
        StkPush s => new TransactionView(s.Receipt ?? "", s.Phone + " - SANDBOX PAYER", o.StkShortCode + " - Pamoja Sandbox Paybill",
            s.MerchantRequestId, s.CheckoutRequestId, s.AcceptedAt, s.CompletesAt, "MMF Account", null, "Pay Bill Online", null,
            s.IsPending(now) ? "Pending" : s.Outcome.Pays() ? "Completed" : "Failed", s.Amount),
        C2bPayment c => new TransactionView(c.TransId, c.Phone + " - SANDBOX PAYER", c.ShortCode + " - Pamoja Sandbox Paybill",
            null, null, c.AcceptedAt, c.AcceptedAt, "MMF Account", null, "Pay Bill", null,
            c.State == "pending" ? "Pending" : c.MoneyMoved ? "Completed" : "Failed", c.Amount),
        _ => throw new InvalidOperationException("Unknown transaction kind " + found.GetType().Name),
    };
}
