namespace Pamoja.Sandbox.Providers.Momo;

// The two MoMo products Pamoja uses. Each has its own subscription key, token endpoint and
// resources: a request-to-pay id and a transfer id never collide, and a collection token is no
// good for a disbursement call.
public enum MomoProduct
{
    Collection,
    Disbursement,
}

public static class MomoProducts
{
    // The path segment, as in /collection/token/ and /disbursement/v1_0/transfer.
    public static string PathName(this MomoProduct product) =>
        product == MomoProduct.Collection ? "collection" : "disbursement";

    // The financial operation each product offers here: collect with requesttopay, pay out with transfer.
    public static string Operation(this MomoProduct product) =>
        product == MomoProduct.Collection ? "requesttopay" : "transfer";

    // The party on the far side: who pays a request-to-pay, who receives a transfer.
    public static string PartyField(this MomoProduct product) =>
        product == MomoProduct.Collection ? "payer" : "payee";

    public static bool TryParse(string? value, out MomoProduct product)
    {
        product = default;
        if (string.Equals(value, "collection", StringComparison.OrdinalIgnoreCase))
        {
            product = MomoProduct.Collection;
            return true;
        }
        if (string.Equals(value, "disbursement", StringComparison.OrdinalIgnoreCase))
        {
            product = MomoProduct.Disbursement;
            return true;
        }
        return false;
    }
}
