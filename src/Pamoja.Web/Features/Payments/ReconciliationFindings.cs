namespace Pamoja.Web.Features.Payments;

/// Reconciliation exceptions: what a person must look at. Written with a dedupe key, so finding
/// the same thing again (a callback delivered five times, reconciliation running every few
/// minutes) lists it once.
public static class ReconciliationFindings
{
    /// $1 id, $2 group (null: no group yet; operators see it), $3 kind, $4 payment, $5 callback,
    /// $6 amount, $7 currency, $8 detail, $9 dedupe key, $10 found at.
    public const string InsertSql = """
        INSERT INTO reconciliation_exceptions (id, group_id, kind, payment_id, callback_id, amount, currency, detail, dedupe_key, found_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, left($8, 500), left($9, 200), $10)
        ON CONFLICT (dedupe_key) DO NOTHING
        """;
}
