using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Pamoja.Web.Integrations.Mpesa;

/// How a Daraja call ended, before anyone decides what it means for a payment.
public enum DarajaReplyKind
{
    /// A 2xx with a JSON object body.
    Answered,

    /// A non-2xx reply (usually Daraja's {"requestId","errorCode","errorMessage"}).
    Error,

    /// No usable reply: timeout, connection trouble, an unreadable 2xx. The request may have
    /// been carried out.
    NoAnswer,

    /// Nothing was sent: the token or the certificate needed first could not be had.
    NotSent,
}

/// One Daraja reply. Body is the JSON object of an Answered reply; ErrorCode and ErrorMessage
/// come from an Error reply's envelope when it has one.
public sealed record DarajaReply(DarajaReplyKind Kind, int? StatusCode, JsonElement? Body, string? ErrorCode, string? ErrorMessage, string? Detail = null)
{
    /// A top-level field of an Answered body as text, whether Daraja sent it as a string or a
    /// number ("ResponseCode":"0" here, "ResultCode":0 there).
    public string? Field(string name)
    {
        if (Body is not { } body || !body.TryGetProperty(name, out var value))
            return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
    }

    public string Describe() => Kind switch
    {
        DarajaReplyKind.Answered => $"{StatusCode}: {Field("ResponseDescription") ?? Field("ResultDesc")}",
        DarajaReplyKind.Error => $"{StatusCode} {ErrorCode}: {ErrorMessage ?? Detail}",
        _ => Detail ?? Kind.ToString(),
    };
}

/// What an STK push asks of the payer (protocols.md §1.2). Phone in Daraja's form, 2547XXXXXXXX.
public sealed record StkPushRequest(string Phone, long Amount, string AccountReference, string TransactionDesc, Uri CallbackUrl);

/// One B2C payout (protocols.md §1.4). OriginatorConversationID is the idempotency key.
public sealed record B2cRequest(string OriginatorConversationId, string Phone, long Amount, string Remarks, string? Occasion, Uri ResultUrl,
    Uri QueueTimeOutUrl, string CommandId = "BusinessPayment");

/// Safaricom's Daraja API over HTTP: one method per call Pamoja makes, each sent exactly once
/// (no retries here or in the handler: a retried POST could move money twice). What a reply
/// means for a payment is MpesaGateway's business; this class only speaks the wire format.
public sealed class DarajaClient(HttpClient http, IOptions<MpesaOptions> options, DarajaAuth auth, TimeProvider time)
{
    private static readonly JsonSerializerOptions Wire = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly TimeZoneInfo Nairobi =
        TimeZoneInfo.TryFindSystemTimeZoneById("Africa/Nairobi", out var zone) ? zone : TimeZoneInfo.CreateCustomTimeZone("EAT", TimeSpan.FromHours(3), "EAT", "EAT");

    /// base64(BusinessShortCode + Passkey + Timestamp), plain concatenation (protocols.md §1.2).
    public static string Password(string shortCode, string passkey, string timestamp)
    {
        ArgumentNullException.ThrowIfNull(shortCode);
        ArgumentNullException.ThrowIfNull(passkey);
        ArgumentNullException.ThrowIfNull(timestamp);
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(shortCode + passkey + timestamp));
    }

    /// YYYYMMDDHHmmss in Kenyan time: community reports say Daraja checks the Password against
    /// Nairobi time (protocols.md §1.7). Kenya keeps UTC+3 all year, the fallback when the
    /// time-zone database is missing.
    public static string Timestamp(DateTimeOffset now) =>
        TimeZoneInfo.ConvertTime(now, Nairobi).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// The B2C idempotency key of one attempt of one payment: the same attempt always gets the
    /// same id, so sending it again is refused by M-Pesa as a duplicate, never paid twice.
    public static string OriginatorConversationId(Guid paymentId, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"pamoja-{paymentId:N}-{attempt}");

    /// RSA PKCS#1 v1.5 (not OAEP) of the initiator password with M-Pesa's certificate, base64
    /// (protocols.md §1.4).
    public static string SecurityCredential(X509Certificate2 certificate, string initiatorPassword)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(initiatorPassword);
        using var rsa = certificate.GetRSAPublicKey() ?? throw new CryptographicException("The M-Pesa certificate holds no RSA public key.");
        return Convert.ToBase64String(rsa.Encrypt(Encoding.UTF8.GetBytes(initiatorPassword), RSAEncryptionPadding.Pkcs1));
    }

    /// A certificate from PEM text or DER bytes, as Safaricom's portal hands out either.
    public static X509Certificate2 LoadCertificate(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var text = Encoding.ASCII.GetString(bytes);
        return text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
            ? X509Certificate2.CreateFromPem(text)
            : X509CertificateLoader.LoadCertificate(bytes);
    }

    public Task<DarajaReply> StkPushAsync(StkPushRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var o = options.Value;
        var timestamp = Timestamp(time.GetUtcNow());
        // Numbers where Daraja's sample has numbers (shortcodes, MSISDNs, Amount).
        return PostAsync("mpesa/stkpush/v1/processrequest", new JsonObject
        {
            ["BusinessShortCode"] = Number(o.ShortCode),
            ["Password"] = Password(o.ShortCode, o.Passkey, timestamp),
            ["Timestamp"] = timestamp,
            ["TransactionType"] = o.TransactionType,
            ["Amount"] = request.Amount,
            ["PartyA"] = Number(request.Phone),
            ["PartyB"] = Number(o.ShortCode),
            ["PhoneNumber"] = Number(request.Phone),
            ["CallBackURL"] = request.CallbackUrl.AbsoluteUri,
            ["AccountReference"] = request.AccountReference,
            ["TransactionDesc"] = request.TransactionDesc,
        }, ct);
    }

    public Task<DarajaReply> StkQueryAsync(string checkoutRequestId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(checkoutRequestId);
        var o = options.Value;
        var timestamp = Timestamp(time.GetUtcNow());
        return PostAsync("mpesa/stkpushquery/v1/query", new JsonObject
        {
            ["BusinessShortCode"] = Number(o.ShortCode),
            ["Password"] = Password(o.ShortCode, o.Passkey, timestamp),
            ["Timestamp"] = timestamp,
            ["CheckoutRequestID"] = checkoutRequestId,
        }, ct);
    }

    public async Task<DarajaReply> B2cAsync(B2cRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var o = options.Value;
        string credential;
        try
        {
            credential = await auth.SecurityCredentialAsync(http, ct);
        }
        catch (DarajaUnavailableException ex)
        {
            return new DarajaReply(DarajaReplyKind.NotSent, null, null, null, null, ex.Message);
        }
        var body = new JsonObject
        {
            ["OriginatorConversationID"] = request.OriginatorConversationId,
            ["InitiatorName"] = o.InitiatorName,
            ["SecurityCredential"] = credential,
            ["CommandID"] = request.CommandId,
            ["Amount"] = request.Amount,
            ["PartyA"] = Number(o.B2cShortCode),
            ["PartyB"] = Number(request.Phone),
            ["Remarks"] = request.Remarks,
            ["QueueTimeOutURL"] = request.QueueTimeOutUrl.AbsoluteUri,
            ["ResultURL"] = request.ResultUrl.AbsoluteUri,
        };
        if (!string.IsNullOrEmpty(request.Occasion))
            body["Occassion"] = request.Occasion; // sic: Daraja's spelling (protocols.md §1.4)
        return await PostAsync("mpesa/b2c/v3/paymentrequest", body, ct);
    }

    /// Asks about an earlier request by its OriginatorConversationID (protocols.md §1.5). The
    /// answer comes later, as a Result POSTed to resultUrl. occasion is echoed back in the
    /// Result's ReferenceData: Pamoja puts the id asked about there, so a Result that found
    /// nothing still names it.
    public async Task<DarajaReply> TransactionStatusAsync(string originalConversationId, Uri resultUrl, Uri queueTimeOutUrl, string? occasion,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(originalConversationId);
        ArgumentNullException.ThrowIfNull(resultUrl);
        ArgumentNullException.ThrowIfNull(queueTimeOutUrl);
        var o = options.Value;
        string credential;
        try
        {
            credential = await auth.SecurityCredentialAsync(http, ct);
        }
        catch (DarajaUnavailableException ex)
        {
            return new DarajaReply(DarajaReplyKind.NotSent, null, null, null, null, ex.Message);
        }
        var body = new JsonObject
        {
            ["Initiator"] = o.InitiatorName,
            ["SecurityCredential"] = credential,
            // The table's spelling, not the sample's "Command ID" (protocols.md §1.5).
            ["CommandID"] = "TransactionStatusQuery",
            ["OriginalConversationID"] = originalConversationId,
            ["PartyA"] = Number(o.B2cShortCode),
            ["IdentifierType"] = "4",
            ["ResultURL"] = resultUrl.AbsoluteUri,
            ["QueueTimeOutURL"] = queueTimeOutUrl.AbsoluteUri,
            ["Remarks"] = "Pamoja status check",
        };
        if (!string.IsNullOrEmpty(occasion))
            body["Occasion"] = occasion;
        return await PostAsync("mpesa/transactionstatus/v1/query", body, ct);
    }

    /// Registers the paybill's C2B URLs (protocols.md §1.6). responseType is what M-Pesa does
    /// when validation does not answer: "Completed" (take the money) or "Cancelled".
    public Task<DarajaReply> RegisterC2bUrlsAsync(Uri confirmationUrl, Uri? validationUrl, string responseType, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(confirmationUrl);
        ArgumentNullException.ThrowIfNull(responseType);
        var o = options.Value;
        var body = new JsonObject
        {
            ["ShortCode"] = o.C2bShortCode,
            ["ResponseType"] = responseType,
            ["ConfirmationURL"] = confirmationUrl.AbsoluteUri,
        };
        if (validationUrl is not null)
            body["ValidationURL"] = validationUrl.AbsoluteUri;
        return PostAsync("mpesa/c2b/v2/registerurl", body, ct);
    }

    private async Task<DarajaReply> PostAsync(string path, JsonObject body, CancellationToken ct)
    {
        string token;
        try
        {
            token = await auth.TokenAsync(http, ct);
        }
        catch (DarajaUnavailableException ex)
        {
            return new DarajaReply(DarajaReplyKind.NotSent, null, null, null, null, ex.Message);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body.ToJsonString(Wire), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        HttpResponseMessage response;
        try
        {
            // Sent once. Whatever happens from here on, the request may have arrived.
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            return new DarajaReply(DarajaReplyKind.NoAnswer, null, null, null, null, "Connection failed: " + ex.Message);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new DarajaReply(DarajaReplyKind.NoAnswer, null, null, null, null, "No answer within " + http.Timeout);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            string text;
            try
            {
                text = await response.Content.ReadAsStringAsync(ct);
            }
            catch (HttpRequestException ex)
            {
                return new DarajaReply(response.IsSuccessStatusCode ? DarajaReplyKind.NoAnswer : DarajaReplyKind.Error, status, null, null, null,
                    "Unreadable answer: " + ex.Message);
            }

            JsonElement? json = null;
            try
            {
                using var doc = JsonDocument.Parse(text);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                    json = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                // Left null: an HTML error page from a proxy, an empty body.
            }

            if (response.IsSuccessStatusCode)
            {
                return json is null
                    ? new DarajaReply(DarajaReplyKind.NoAnswer, status, null, null, null, "Unreadable answer: " + Cut(text))
                    : new DarajaReply(DarajaReplyKind.Answered, status, json, null, null);
            }

            var errorCode = Text(json, "errorCode");
            var errorMessage = Text(json, "errorMessage");
            if (response.StatusCode == HttpStatusCode.Unauthorized || errorCode == "404.001.03")
                auth.Invalidate(token); // the next call fetches a new one; this one is not retried
            return new DarajaReply(DarajaReplyKind.Error, status, json, errorCode, errorMessage, errorCode is null ? Cut(text) : null);
        }
    }

    // Shortcodes and MSISDNs as JSON numbers, as in Daraja's samples; a value that is not all
    // digits (a misconfiguration) goes as text rather than being silently changed.
    private static JsonNode Number(string digits) =>
        digits.Length is > 0 and <= 18 && digits.All(char.IsAsciiDigit)
            ? JsonValue.Create(long.Parse(digits, CultureInfo.InvariantCulture))
            : JsonValue.Create(digits);

    private static string? Text(JsonElement? json, string name) =>
        json is { } j && j.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string Cut(string text) => text.Length <= 200 ? text : text[..200];
}
