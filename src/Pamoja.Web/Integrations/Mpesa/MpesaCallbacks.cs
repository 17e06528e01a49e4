using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Integrations.Mpesa;

/// A paybill deposit (C2B validation or confirmation, protocols.md §1.6). Amount in minor units
/// (KES cents); Msisdn as M-Pesa sent it, masked in v2 ("2547 ***** 126"); TransTime
/// yyyyMMddHHmmss, Kenyan time.
public sealed record C2bPayment(string TransId, string BillRefNumber, long Amount, string Msisdn, string TransTime, string ShortCode);

/// Daraja's callbacks, parsed, and the exact bodies Daraja expects in reply. The parsers take
/// whatever arrived at a public URL, so they never throw: anything that is not a well-formed
/// callback of that kind (wrong shape, wrong types, a field that identifies or decides the
/// payment missing) is null, and the caller quarantines it. Where Daraja documents a number,
/// a string is refused, and vice versa: a body that bends the documented types is not
/// trusted to mean what it seems to say.
public static partial class MpesaCallbacks
{
    public const string Provider = "mpesa";

    /// The acknowledgement of an STK callback or a B2C / Transaction Status result.
    public const string StkAck = """{"ResultCode":0,"ResultDesc":"Accepted"}""";
    public const string B2cAck = """{"ResultCode":0,"ResultDesc":"Accepted"}""";

    /// C2B validation answers (protocols.md §1.6): accept, or reject with a C2B code.
    public const string C2bAccept = """{"ResultCode":"0","ResultDesc":"Accepted"}""";
    public const string C2bConfirmationAck = """{"ResultCode":0,"ResultDesc":"Success"}""";

    public const string InvalidMsisdn = "C2B00011";
    public const string InvalidAccountNumber = "C2B00012";
    public const string InvalidAmount = "C2B00013";
    public const string InvalidKyc = "C2B00014";
    public const string InvalidShortCode = "C2B00015";
    public const string OtherError = "C2B00016";

    /// The Transaction Status ResultCode for "no such transaction" (the Pamoja sandbox's
    /// choice, see its MpesaTransactionStatusEndpoint; Daraja's public pages do not show one).
    public const string StatusNotFoundCode = "R000001";

    private static readonly string[] RejectCodes = [InvalidMsisdn, InvalidAccountNumber, InvalidAmount, InvalidKyc, InvalidShortCode, OtherError];

    /// Real callbacks are a few kilobytes; anything far bigger is not one.
    private const int MaxBody = 256 * 1024;
    private const int MaxId = 100;
    private const int MaxMessage = 300;

    /// The rejection body for a C2B validation; an unknown code becomes C2B00016 ("other").
    public static string C2bReject(string code) =>
        $$"""{"ResultCode":"{{(RejectCodes.Contains(code, StringComparer.Ordinal) ? code : OtherError)}}","ResultDesc":"Rejected"}""";

    /// An STK push callback (protocols.md §1.2). Success needs a receipt; the amount is taken
    /// when present. NoticeKey "mpesa:stk:{CheckoutRequestID}": one event per push.
    public static ProviderNotice? ParseStk(string body) => Parse(body, root =>
    {
        if (Object(root, "Body") is not { } envelope || Object(envelope, "stkCallback") is not { } callback)
            return null;
        if (Id(callback, "CheckoutRequestID") is not { } checkout || ResultCode(callback, "ResultCode") is not { } code)
            return null;
        if (!OptionalText(callback, "ResultDesc", out var desc) || !OptionalId(callback, "MerchantRequestID", out _))
            return null;
        var key = "mpesa:stk:" + checkout;
        if (code != "0")
            return new ProviderNotice(Provider, key, checkout, GatewayStatus.Failed, null, null, code, desc);

        if (Object(callback, "CallbackMetadata") is not { } metadata || Pairs(metadata, "Item", "Name") is not { } items)
            return null;
        if (!items.TryGetValue("MpesaReceiptNumber", out var receiptValue) || Receipt(receiptValue) is not { } receipt)
            return null;
        long? amount = null;
        if (items.TryGetValue("Amount", out var amountValue))
        {
            if (MinorUnits(amountValue, allowString: false) is not { } minor)
                return null;
            amount = minor;
        }
        return new ProviderNotice(Provider, key, checkout, GatewayStatus.Succeeded, receipt, amount, code, desc);
    });

    /// A B2C Result (protocols.md §1.4), keyed to the payout by its OriginatorConversationID.
    /// ResultType 1 ("waiting for further messages") is an interim notice: Pending.
    public static ProviderNotice? ParseB2cResult(string body) => Parse(body, root =>
    {
        if (Object(root, "Result") is not { } result)
            return null;
        if (Id(result, "OriginatorConversationID") is not { } originator || ResultCode(result, "ResultCode") is not { } code)
            return null;
        if (!OptionalText(result, "ResultDesc", out var desc) || !OptionalId(result, "TransactionID", out var transactionId) ||
            !OptionalId(result, "ConversationID", out _) || !OptionalInteger(result, "ResultType", out var resultType))
            return null;
        var key = "mpesa:b2c:" + originator;
        if (resultType is not (null or 0))
            return new ProviderNotice(Provider, key + ":interim", originator, GatewayStatus.Pending, null, null, code, desc);
        if (code != "0")
            return new ProviderNotice(Provider, key, originator, GatewayStatus.Failed, null, null, code, desc);

        if (Object(result, "ResultParameters") is not { } parameters || Pairs(parameters, "ResultParameter", "Key") is not { } items)
            return null;
        var receipt = items.TryGetValue("TransactionReceipt", out var receiptValue) ? Receipt(receiptValue) : transactionId is null ? null : ReceiptText(transactionId);
        if (receipt is null)
            return null;
        long? amount = null;
        if (items.TryGetValue("TransactionAmount", out var amountValue))
        {
            if (MinorUnits(amountValue, allowString: false) is not { } minor)
                return null;
            amount = minor;
        }
        return new ProviderNotice(Provider, key, originator, GatewayStatus.Succeeded, receipt, amount, code, desc);
    });

    /// A QueueTimeOutURL notification. Its shape is unconfirmed (protocols.md §1.4); this takes
    /// the Result envelope every other Daraja result uses and needs only the
    /// OriginatorConversationID in it. It never settles anything: the outcome is Unknown, to be
    /// asked about with Transaction Status. (Pamoja also points Transaction Status's own
    /// QueueTimeOutURL here; that id is the query's, so the payout is found by the "p" reference.)
    public static ProviderNotice? ParseB2cTimeout(string body) => Parse(body, root =>
    {
        if (Object(root, "Result") is not { } result || Id(result, "OriginatorConversationID") is not { } originator)
            return null;
        if (!OptionalText(result, "ResultDesc", out var desc) || !OptionalId(result, "ConversationID", out var conversation))
            return null;
        // Informational only, so an odd ResultCode is dropped rather than refused.
        var code = ResultCode(result, "ResultCode");
        return new ProviderNotice(Provider, "mpesa:timeout:" + originator + (conversation is null ? "" : ":" + conversation), originator,
            GatewayStatus.Unknown, null, null, code, desc ?? "M-Pesa reported a queue timeout");
    });

    /// A Transaction Status Result (protocols.md §1.5), mapped to the payout it asks about: its
    /// ProviderRef is that payout's OriginatorConversationID, read from ResultParameters or,
    /// when M-Pesa found nothing, from the Occasion Pamoja sent (echoed in ReferenceData).
    /// NoticeKey "mpesa:status:{ConversationID}": each status query is its own event.
    /// ResultCode 0 with TransactionStatus "Completed" → Succeeded; a failed transaction or
    /// "no such transaction" (R000001: the payout never reached M-Pesa) → Failed; any other
    /// non-zero code means the query itself failed (e.g. 2001) and says nothing → Unknown.
    public static ProviderNotice? ParseStatusResult(string body) => Parse(body, root =>
    {
        if (Object(root, "Result") is not { } result || ResultCode(result, "ResultCode") is not { } code)
            return null;
        if (!OptionalText(result, "ResultDesc", out var desc) || !OptionalId(result, "ConversationID", out var conversation) ||
            !OptionalId(result, "OriginatorConversationID", out var queryOriginator) || !OptionalId(result, "TransactionID", out var transactionId))
            return null;
        var eventId = conversation ?? queryOriginator;
        if (eventId is null)
            return null;

        Dictionary<string, JsonElement>? items = null;
        if (result.TryGetProperty("ResultParameters", out var parametersValue))
        {
            if (parametersValue.ValueKind != JsonValueKind.Object || Pairs(parametersValue, "ResultParameter", "Key") is not { } parsed)
                return null;
            items = parsed;
        }
        string? original = null;
        if (items is not null && items.TryGetValue("OriginatorConversationID", out var originalValue))
        {
            if (IdText(originalValue) is not { } o)
                return null;
            original = o;
        }
        if (original is null && Object(result, "ReferenceData") is { } reference &&
            Pairs(reference, "ReferenceItem", "Key") is { } referenceItems && referenceItems.TryGetValue("Occasion", out var occasion))
            original = IdText(occasion);
        if (original is null)
            return null;

        var key = "mpesa:status:" + eventId;
        if (code == StatusNotFoundCode)
            return new ProviderNotice(Provider, key, original, GatewayStatus.Failed, null, null, GatewayCodes.NotFound,
                Cut($"{code}: {desc ?? "M-Pesa has no such transaction"}"));
        if (code != "0")
            return new ProviderNotice(Provider, key, original, GatewayStatus.Unknown, null, null, code, desc);
        if (items is null || !items.TryGetValue("TransactionStatus", out var statusValue) || statusValue.ValueKind != JsonValueKind.String)
            return null;
        var status = statusValue.GetString()!;
        switch (status)
        {
            case "Completed":
                var receipt = items.TryGetValue("ReceiptNo", out var receiptValue) ? Receipt(receiptValue)
                    : transactionId is null ? null : ReceiptText(transactionId);
                if (receipt is null)
                    return null;
                long? amount = null;
                if (items.TryGetValue("Amount", out var amountValue))
                {
                    // The documents show no type for this Amount: a number or a numeric string.
                    if (MinorUnits(amountValue, allowString: true) is not { } minor)
                        return null;
                    amount = minor;
                }
                return new ProviderNotice(Provider, key, original, GatewayStatus.Succeeded, receipt, amount, code, desc);
            case "Failed" or "Cancelled" or "Declined" or "Expired":
                return new ProviderNotice(Provider, key, original, GatewayStatus.Failed, null, null, code, Cut($"{status}: {desc}"));
            case "Pending" or "Processing" or "Authorized":
                return new ProviderNotice(Provider, key, original, GatewayStatus.Pending, null, null, code, status);
            default:
                return new ProviderNotice(Provider, key, original, GatewayStatus.Unknown, null, null, code, Cut("Transaction status " + status));
        }
    });

    /// A C2B validation or confirmation payload: every value a string (protocols.md §1.6).
    public static C2bPayment? ParseC2b(string body) => Parse(body, root =>
    {
        if (Id(root, "TransID") is not { } transId || ReceiptText(transId) is null)
            return null;
        if (!root.TryGetProperty("TransAmount", out var amountValue) || amountValue.ValueKind != JsonValueKind.String ||
            MinorUnits(amountValue, allowString: true) is not { } amount)
            return null;
        // Empty for tills (Buy Goods); the member's pay code for a paybill.
        if (!root.TryGetProperty("BillRefNumber", out var billRef) || billRef.ValueKind != JsonValueKind.String || billRef.GetString()!.Length > MaxId)
            return null;
        if (Id(root, "MSISDN") is not { } msisdn)
            return null;
        if (Id(root, "TransTime") is not { } transTime || transTime.Length != 14 || !transTime.All(char.IsAsciiDigit))
            return null;
        if (Id(root, "BusinessShortCode") is not { } shortCode || !shortCode.All(char.IsAsciiDigit))
            return null;
        return new C2bPayment(transId, billRef.GetString()!, amount, msisdn, transTime, shortCode);
    });

    private static T? Parse<T>(string? body, Func<JsonElement, T?> read) where T : class
    {
        if (string.IsNullOrWhiteSpace(body) || body.Length > MaxBody)
            return null;
        try
        {
            using var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
            return doc.RootElement.ValueKind == JsonValueKind.Object ? read(doc.RootElement) : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            // JsonException: not JSON. InvalidOperationException: a string that cannot become
            // UTF-16 (an escaped lone surrogate). ArgumentException: text that cannot become UTF-8.
            return null;
        }
    }

    private static JsonElement? Object(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    /// A required identifier: a non-blank string of reasonable length.
    private static string? Id(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) ? IdText(value) : null;

    private static string? IdText(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
            return null;
        var text = value.GetString()!;
        return string.IsNullOrWhiteSpace(text) || text.Length > MaxId || text.Any(char.IsControl) ? null : text;
    }

    /// An optional identifier: absent or null is fine, present means a valid one.
    private static bool OptionalId(JsonElement parent, string name, out string? id)
    {
        id = null;
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return true;
        id = IdText(value);
        return id is not null;
    }

    private static bool OptionalText(JsonElement parent, string name, out string? text)
    {
        text = null;
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return true;
        if (value.ValueKind != JsonValueKind.String)
            return false;
        text = Cut(value.GetString()!);
        return true;
    }

    private static bool OptionalInteger(JsonElement parent, string name, out long? number)
    {
        number = null;
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return true;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var n))
            return false;
        number = n;
        return true;
    }

    /// Daraja's ResultCode: a JSON integer (0, 1032), or a code with letters as a string
    /// ("SFC_IC0003", "R000001"). A digits-only string is a number sent as text: refused.
    private static string? ResultCode(JsonElement parent, string name)
    {
        if (!parent.TryGetProperty(name, out var value))
            return null;
        if (value.ValueKind == JsonValueKind.Number)
            return value.TryGetInt64(out var n) ? n.ToString(CultureInfo.InvariantCulture) : null;
        if (value.ValueKind == JsonValueKind.String && value.GetString() is { } text && LetterCode().IsMatch(text))
            return text;
        return null;
    }

    /// Name/Value (STK) or Key/Value (B2C, status) items, as an array or, for a single item, an
    /// object. Null when malformed or when a name repeats (which value would be meant?). An
    /// item without a Value (Balance, sometimes) is kept with an Undefined value.
    private static Dictionary<string, JsonElement>? Pairs(JsonElement parent, string listName, string keyName)
    {
        if (!parent.TryGetProperty(listName, out var list))
            return null;
        IEnumerable<JsonElement> entries = list.ValueKind switch
        {
            JsonValueKind.Array => list.EnumerateArray(),
            JsonValueKind.Object => [list],
            _ => [],
        };
        if (list.ValueKind is not (JsonValueKind.Array or JsonValueKind.Object))
            return null;
        var pairs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.ValueKind != JsonValueKind.Object || Id(entry, keyName) is not { } key)
                return null;
            if (!pairs.TryAdd(key, entry.TryGetProperty("Value", out var value) ? value : default))
                return null;
        }
        return pairs;
    }

    private static string? Receipt(JsonElement value) => IdText(value) is { } text ? ReceiptText(text) : null;

    /// M-Pesa receipts are ten upper-case letters and digits ("SGH7RT61SV"); a little slack in
    /// length, none in the alphabet.
    private static string? ReceiptText(string text) => ReceiptPattern().IsMatch(text) ? text : null;

    /// Shillings (a JSON number, or when allowed a numeric string such as C2B's "5.00") as
    /// cents: positive, at most two decimals, below a billion shillings.
    private static long? MinorUnits(JsonElement value, bool allowString)
    {
        decimal shillings;
        if (value.ValueKind == JsonValueKind.Number)
        {
            if (!value.TryGetDecimal(out shillings))
                return null;
        }
        else if (allowString && value.ValueKind == JsonValueKind.String)
        {
            if (!decimal.TryParse(value.GetString(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out shillings))
                return null;
        }
        else
        {
            return null;
        }
        if (shillings <= 0 || shillings >= 1_000_000_000m)
            return null;
        var cents = shillings * 100;
        return cents == decimal.Truncate(cents) ? (long)cents : null;
    }

    private static string Cut(string text) => text.Length <= MaxMessage ? text : text[..MaxMessage];

    [GeneratedRegex("^[A-Z0-9]{8,12}$")]
    private static partial Regex ReceiptPattern();

    [GeneratedRegex("^(?=.*[A-Za-z])[A-Za-z0-9_.-]{1,40}$")]
    private static partial Regex LetterCode();
}
