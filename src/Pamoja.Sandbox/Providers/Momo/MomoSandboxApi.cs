namespace Pamoja.Sandbox.Providers.Momo;

// The sandbox's own view of MoMo (not MTN's API): what it did, so tests and the demo can prove
// a transfer happened once and see every callback it sent.
public static class MomoSandboxApi
{
    public const string TransactionsPath = "/sandbox/momo/transactions";
    public const string TokensPath = "/sandbox/momo/tokens";

    // Newest first. Filters (all optional): msisdn (digits, a leading '+' is ignored),
    // referenceId, product (collection|disbursement).
    public static IResult Transactions(MomoState state, TimeProvider time, string? msisdn, string? referenceId, string? product)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(time);
        var wantedMsisdn = string.IsNullOrWhiteSpace(msisdn) ? null : msisdn.Trim().TrimStart('+');
        Guid? wantedReference = null;
        if (!string.IsNullOrWhiteSpace(referenceId))
        {
            if (!Guid.TryParse(referenceId, out var parsed))
            {
                return Results.Text("Query parameter 'referenceId' must be a UUID", "text/plain", statusCode: StatusCodes.Status400BadRequest);
            }
            wantedReference = parsed;
        }
        MomoProduct? wantedProduct = null;
        if (!string.IsNullOrWhiteSpace(product))
        {
            if (!MomoProducts.TryParse(product, out var parsed))
            {
                return Results.Text("Query parameter 'product' must be collection or disbursement", "text/plain", statusCode: StatusCodes.Status400BadRequest);
            }
            wantedProduct = parsed;
        }

        var now = time.GetUtcNow();
        var views = state.Transactions()
            .Where(t => wantedMsisdn is null || (t.PartyIdType == "MSISDN" && t.PartyId == wantedMsisdn))
            .Where(t => wantedReference is null || t.ReferenceId == wantedReference)
            .Where(t => wantedProduct is null || t.Product == wantedProduct)
            .Select(t => t.View(now))
            .ToList();
        return Results.Json(views);
    }

    // Every token issued, newest first (the token text itself is left out): lets a test check
    // that a client caches one token per product instead of minting one per call.
    public static IResult Tokens(MomoState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Results.Json(state.IssuedTokens().Select(t => new
        {
            apiUser = t.ApiUser,
            product = t.Product.PathName(),
            issuedAt = t.IssuedAt,
            expiresAt = t.ExpiresAt,
        }));
    }
}
