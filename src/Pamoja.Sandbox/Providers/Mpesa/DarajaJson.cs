using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pamoja.Sandbox.Providers.Mpesa;

// Daraja's bodies are built as JSON nodes, not serialised records: field names are PascalCase
// with Daraja's own spellings ("OriginatorCoversationID"), and the same field is a number in one
// body and a string in another (ResultCode), so each body states its types explicitly.
public static class DarajaJson
{
    // URLs in bodies stay readable ("&" not "\u0026"): Daraja does not escape them either.
    private static readonly JsonSerializerOptions Wire = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.ToJsonString(Wire);
    }

    public static IResult Ok(JsonObject body) => Results.Content(Serialize(body), "application/json", statusCode: StatusCodes.Status200OK);

    // Whole shillings as Daraja writes amounts in callbacks: with two decimals ("Value": 1.00).
    public static decimal Shillings(long amount) => amount + 0.00m;
}
