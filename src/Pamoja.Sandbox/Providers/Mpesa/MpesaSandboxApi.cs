using System.Globalization;

namespace Pamoja.Sandbox.Providers.Mpesa;

// One STK push, B2C payment or C2B payment as GET /sandbox/mpesa/transactions shows it
// (camelCase, like the sandbox's other own APIs). Tests use moneyMoved to prove a payout was
// paid once and callbacksSent to see what the app was told.
public sealed record MpesaTransactionView(
    string Kind,                // "stk", "b2c" or "c2b"
    string Id,                  // CheckoutRequestID, OriginatorConversationID or TransID
    string? ConversationId,     // MerchantRequestID (STK) or ConversationID (B2C)
    string Phone,               // 2547XXXXXXXX, as on the wire
    long Amount,                // whole shillings
    string? Reference,          // AccountReference (STK), Remarks (B2C), BillRefNumber (C2B)
    string Outcome,             // the script's name, e.g. "success", "cancelled", or a C2B state
    string? ResultCode,         // what the callback / query reports, once decided
    bool Pending,
    bool MoneyMoved,
    string? Receipt,            // the M-Pesa receipt once money moved
    int CallbacksSent,          // POSTs attempted (validation and confirmation count for C2B)
    int CallbacksDelivered,     // of those, answered 2xx
    DateTimeOffset AcceptedAt);

// The sandbox's own M-Pesa extensions: not Daraja endpoints, never needed in production.
public static class MpesaSandboxApi
{
    public const string TransactionsPath = "/sandbox/mpesa/transactions";
    public const string CertificatePath = "/sandbox/mpesa/certificate";

    // Newest first; ?phone= filters (2547…, +2547… or an URL-encoded +).
    public static IResult Transactions(MpesaBook book, TimeProvider time, string? phone)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        var wanted = string.IsNullOrWhiteSpace(phone) ? null : phone.Trim().TrimStart('+');
        var (stk, b2c, c2b) = book.Snapshot();

        var views = new List<MpesaTransactionView>(stk.Count + b2c.Count + c2b.Count);
        foreach (var s in stk)
        {
            var pending = s.IsPending(now);
            views.Add(new MpesaTransactionView("stk", s.CheckoutRequestId, s.MerchantRequestId, s.Phone, s.Amount, s.AccountReference,
                s.Outcome.Name(), pending ? null : s.Outcome.Stk().Code.ToString(CultureInfo.InvariantCulture), pending, s.MoneyMoved(now),
                s.MoneyMoved(now) ? s.Receipt : null, s.CallbacksSent, s.CallbacksDelivered, s.AcceptedAt));
        }
        foreach (var b in b2c)
        {
            var pending = b.IsPending(now);
            views.Add(new MpesaTransactionView("b2c", b.OriginatorConversationId, b.ConversationId, b.Phone, b.Amount, b.Remarks,
                b.Outcome.Name(), pending ? null : b.Outcome.B2c().Code.ToString(CultureInfo.InvariantCulture), pending, b.MoneyMoved(now),
                b.MoneyMoved(now) ? b.TransactionId : null, b.CallbacksSent, b.CallbacksDelivered, b.AcceptedAt));
        }
        foreach (var c in c2b)
        {
            views.Add(new MpesaTransactionView("c2b", c.TransId, null, c.Phone, c.Amount, c.BillRefNumber, c.State, null,
                c.State == "pending", c.MoneyMoved, c.MoneyMoved ? c.TransId : null, c.CallbacksSent, c.CallbacksDelivered, c.AcceptedAt));
        }

        return Results.Json(views
            .Where(v => wanted is null || v.Phone == wanted)
            .OrderByDescending(v => v.AcceptedAt)
            .ToList());
    }

    public static IResult Certificate(MpesaCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Results.Text(certificate.Pem, "application/x-pem-file");
    }
}
