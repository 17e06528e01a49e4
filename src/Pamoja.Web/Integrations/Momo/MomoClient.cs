using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Pamoja.Web.Integrations.Momo;

/// The body of a request-to-pay (Payer set) or a transfer (Payee set), protocols.md §2.3, §2.5.
/// Amount is a string on the wire.
public sealed record MomoPaymentRequest(
    [property: JsonPropertyName("amount")] string Amount,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("externalId")] string ExternalId,
    [property: JsonPropertyName("payer"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] MomoParty? Payer,
    [property: JsonPropertyName("payee"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] MomoParty? Payee,
    [property: JsonPropertyName("payerMessage")] string PayerMessage,
    [property: JsonPropertyName("payeeNote")] string PayeeNote);

public sealed record MomoParty(
    [property: JsonPropertyName("partyIdType")] string PartyIdType,
    [property: JsonPropertyName("partyId")] string PartyId)
{
    public static MomoParty Msisdn(string digits) => new("MSISDN", digits);
}

public enum MomoReplyKind
{
    /// MTN answered with a status code (any, 2xx or not).
    Answered,

    /// Nothing was sent: no access token could be had. Nothing can have happened at MTN.
    NotSent,

    /// Sent, or perhaps sent, but no answer came: timeout or connection error. Anything may have happened.
    NoAnswer,
}

/// The outcome of one call. For NotSent and NoAnswer, StatusCode is 0 and Code/Detail say why.
public sealed record MomoReply(MomoReplyKind Kind, int StatusCode, string Body, string? Code = null, string? Detail = null)
{
    public bool Is(HttpStatusCode status) => Kind == MomoReplyKind.Answered && StatusCode == (int)status;
}

/// MTN MoMo's Collection and Disbursement APIs over HTTP (protocols.md §2). Holds one access token
/// per product, refreshed about ten minutes before it expires by one caller at a time, so a
/// burst of payments shares a token instead of minting one each (MTN's advice, §2.2). Never
/// retries a money-moving POST: the caller decides what an unanswered request means.
/// On the sandbox target environment with no API user configured it provisions one itself
/// (§2.2), with the callback URL's host as providerCallbackHost.
public sealed class MomoClient(HttpClient http, IOptions<MomoOptions> options, TimeProvider time)
{
    public const string HttpClientName = "Momo";

    /// MTN: refresh about ten minutes before expiry (§2.2).
    public static readonly TimeSpan RefreshBeforeExpiry = TimeSpan.FromMinutes(10);

    // Error bodies are short; anything longer is cut before it reaches a log or a payment row.
    private const int MaxKeptBody = 64 * 1024;

    private readonly ProductState _collection = new();
    private readonly ProductState _disbursement = new();

    public Task<MomoReply> RequestToPayAsync(Guid referenceId, MomoPaymentRequest body, Uri? callbackUrl, CancellationToken ct) =>
        SendAsync(MomoProduct.Collection, HttpMethod.Post, "collection/v1_0/requesttopay", referenceId, body, callbackUrl, callbackUrl?.DnsSafeHost, ct);

    public Task<MomoReply> RequestToPayStatusAsync(Guid referenceId, string? callbackHost, CancellationToken ct) =>
        SendAsync(MomoProduct.Collection, HttpMethod.Get, $"collection/v1_0/requesttopay/{referenceId:D}", null, null, null, callbackHost, ct);

    public Task<MomoReply> TransferAsync(Guid referenceId, MomoPaymentRequest body, Uri? callbackUrl, CancellationToken ct) =>
        SendAsync(MomoProduct.Disbursement, HttpMethod.Post, "disbursement/v1_0/transfer", referenceId, body, callbackUrl, callbackUrl?.DnsSafeHost, ct);

    public Task<MomoReply> TransferStatusAsync(Guid referenceId, string? callbackHost, CancellationToken ct) =>
        SendAsync(MomoProduct.Disbursement, HttpMethod.Get, $"disbursement/v1_0/transfer/{referenceId:D}", null, null, null, callbackHost, ct);

    /// A live access token for the product: the cached one, or a new one when the cached one
    /// is within RefreshBeforeExpiry of expiring. Null token: none could be had (Code says why).
    public async Task<(string? Token, string? Code, string? Detail)> AccessTokenAsync(MomoProduct product, string? callbackHost, CancellationToken ct)
    {
        var state = State(product);
        if (state.Token is { } cached && time.GetUtcNow() < cached.RefreshAt)
            return (cached.Value, null, null);

        await state.Gate.WaitAsync(ct);
        try
        {
            // Another caller may have refreshed while this one waited.
            var now = time.GetUtcNow();
            if (state.Token is { } fresh && now < fresh.RefreshAt)
                return (fresh.Value, null, null);

            var (token, code, detail) = await FetchTokenAsync(product, state, callbackHost, ct);
            if (token is null && code == "login_failed" && state.Credentials is { Provisioned: true })
            {
                // The sandbox was restarted and forgot our API user: make it again, once.
                state.Credentials = null;
                (token, code, detail) = await FetchTokenAsync(product, state, callbackHost, ct);
            }
            if (token is not null)
            {
                state.Token = token;
                return (token.Value, null, null);
            }
            // A failed refresh is no reason to drop a token that still works.
            if (state.Token is { } old && now < old.ExpiresAt)
                return (old.Value, null, null);
            return (null, code, detail);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// Drops the cached token if it is still this one (MTN answered 401 to it), so the next call
    /// fetches a new one.
    public void ForgetToken(MomoProduct product, string token)
    {
        var state = State(product);
        if (state.Token is { } cached && cached.Value == token)
            state.Token = null;
    }

    private async Task<MomoReply> SendAsync(MomoProduct product, HttpMethod method, string path, Guid? referenceId, MomoPaymentRequest? body,
        Uri? callbackUrl, string? callbackHost, CancellationToken ct)
    {
        var o = options.Value;
        var (token, code, detail) = await AccessTokenAsync(product, callbackHost, ct);
        if (token is null)
            return new MomoReply(MomoReplyKind.NotSent, 0, "", code ?? "NO_ACCESS_TOKEN", detail);

        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.TryAddWithoutValidation("X-Target-Environment", o.TargetEnvironment);
        request.Headers.TryAddWithoutValidation("Ocp-Apim-Subscription-Key", o.SubscriptionKey(product));
        if (referenceId is { } id)
            request.Headers.TryAddWithoutValidation("X-Reference-Id", id.ToString("D"));
        if (callbackUrl is not null)
            request.Headers.TryAddWithoutValidation("X-Callback-Url", callbackUrl.AbsoluteUri);
        if (body is not null)
            request.Content = JsonContent.Create(body, new MediaTypeHeaderValue("application/json"));

        var reply = await ExchangeAsync(request, ct);
        if (reply.Is(HttpStatusCode.Unauthorized))
            ForgetToken(product, token);
        return reply;
    }

    private async Task<(CachedToken? Token, string? Code, string? Detail)> FetchTokenAsync(MomoProduct product, ProductState state, string? callbackHost,
        CancellationToken ct)
    {
        var o = options.Value;
        if (state.Credentials is null)
        {
            var configured = o.Credentials(product);
            if (configured is { } c)
            {
                state.Credentials = new Credentials(c.ApiUser, c.ApiKey, Provisioned: false);
            }
            else if (o.IsSandbox)
            {
                var (provisioned, code, detail) = await ProvisionAsync(product, callbackHost, ct);
                if (provisioned is null)
                    return (null, code, detail);
                state.Credentials = provisioned;
            }
            else
            {
                return (null, "NOT_CONFIGURED", "Momo:ApiUser and Momo:ApiKey are not set.");
            }
        }

        var credentials = state.Credentials;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{PathName(product)}/token/");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.ApiUser}:{credentials.ApiKey}")));
        request.Headers.TryAddWithoutValidation("Ocp-Apim-Subscription-Key", o.SubscriptionKey(product));
        var reply = await ExchangeAsync(request, ct);
        if (reply.Kind != MomoReplyKind.Answered)
            return (null, reply.Code, reply.Detail);
        if (reply.StatusCode != 200)
        {
            // MTN has been seen answering bad credentials with 500 as well as 401, both {"error":"login_failed"}.
            var error = ErrorCode(reply.Body);
            return (null, error == "login_failed" || reply.StatusCode == 401 ? "login_failed" : "TOKEN_REFUSED",
                $"The {PathName(product)} token endpoint answered {reply.StatusCode}.");
        }
        return ParseToken(reply.Body) is { } parsed
            ? (parsed, null, null)
            : (null, "TOKEN_UNREADABLE", "The token endpoint's answer has no access_token.");
    }

    private CachedToken? ParseToken(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("access_token", out var tokenElement) || tokenElement.ValueKind != JsonValueKind.String
                || tokenElement.GetString() is not { Length: > 0 } value)
                return null;
            // expires_in is a number in MTN's samples; a string or nothing falls back to the documented hour.
            var seconds = 3600L;
            if (root.TryGetProperty("expires_in", out var expires))
            {
                if (expires.ValueKind == JsonValueKind.Number && expires.TryGetInt64(out var n)) seconds = n;
                else if (expires.ValueKind == JsonValueKind.String && long.TryParse(expires.GetString(), out var s)) seconds = s;
            }
            seconds = Math.Clamp(seconds, 1, 24 * 3600);
            var lifetime = TimeSpan.FromSeconds(seconds);
            // A token shorter-lived than twice the margin is refreshed at half its life instead,
            // so it is still used for a while rather than refetched on every call.
            var margin = lifetime >= 2 * RefreshBeforeExpiry ? RefreshBeforeExpiry : lifetime / 2;
            var now = time.GetUtcNow();
            return new CachedToken(value, now + lifetime - margin, now + lifetime);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// Makes an API user and key on the sandbox (§2.2). The user id is derived from the product,
    /// callback host and subscription key, so a restarted Pamoja finds its user again (409, then
    /// a new key) instead of leaving a trail of users behind.
    private async Task<(Credentials? Credentials, string? Code, string? Detail)> ProvisionAsync(MomoProduct product, string? callbackHost, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(callbackHost))
            return (null, "NOT_CONFIGURED", "No API user is configured and there is no callback host to provision one with.");
        var key = options.Value.SubscriptionKey(product);
        var userId = MomoReference.V4FromText($"pamoja:momo:apiuser:{PathName(product)}:{callbackHost}:{key}");

        using (var create = new HttpRequestMessage(HttpMethod.Post, "v1_0/apiuser"))
        {
            create.Headers.TryAddWithoutValidation("X-Reference-Id", userId.ToString("D"));
            create.Headers.TryAddWithoutValidation("Ocp-Apim-Subscription-Key", key);
            create.Content = JsonContent.Create(new Dictionary<string, string> { ["providerCallbackHost"] = callbackHost });
            var created = await ExchangeAsync(create, ct);
            if (!created.Is(HttpStatusCode.Created) && !created.Is(HttpStatusCode.Conflict))
                return (null, "PROVISIONING_FAILED", $"Creating the sandbox API user answered {Describe(created)}.");
        }

        using var keyRequest = new HttpRequestMessage(HttpMethod.Post, $"v1_0/apiuser/{userId:D}/apikey");
        keyRequest.Headers.TryAddWithoutValidation("Ocp-Apim-Subscription-Key", key);
        var keyReply = await ExchangeAsync(keyRequest, ct);
        if (!keyReply.Is(HttpStatusCode.Created))
            return (null, "PROVISIONING_FAILED", $"Creating the sandbox API key answered {Describe(keyReply)}.");
        try
        {
            using var doc = JsonDocument.Parse(keyReply.Body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("apiKey", out var apiKey)
                && apiKey.ValueKind == JsonValueKind.String && apiKey.GetString() is { Length: > 0 } value)
                return (new Credentials(userId.ToString("D"), value, Provisioned: true), null, null);
        }
        catch (JsonException)
        {
        }
        return (null, "PROVISIONING_FAILED", "The sandbox's API key answer has no apiKey.");
    }

    /// One HTTP exchange. Timeouts and connection errors become NoAnswer; only the caller's own
    /// cancellation escapes, as an OperationCanceledException.
    private async Task<MomoReply> ExchangeAsync(HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            using var response = await http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            return new MomoReply(MomoReplyKind.Answered, (int)response.StatusCode, text.Length <= MaxKeptBody ? text : text[..MaxKeptBody]);
        }
        catch (HttpRequestException ex)
        {
            return new MomoReply(MomoReplyKind.NoAnswer, 0, "", "CONNECTION_ERROR", ex.Message);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new MomoReply(MomoReplyKind.NoAnswer, 0, "", "TIMEOUT", $"No answer within {http.Timeout.TotalSeconds:0.###} s.");
        }
    }

    /// "code" of MoMo's {"code","message"}, or "error" of the token endpoint's {"error"}.
    internal static string? ErrorCode(string body) => ErrorFields(body).Code;

    /// Code and message from any of the error shapes MTN answers with: MoMo's {"code","message"},
    /// the token endpoint's {"error"}, or its API gateway's {"statusCode","message"}.
    internal static (string? Code, string? Message) ErrorFields(string body)
    {
        if (string.IsNullOrWhiteSpace(body) || body.Length > MaxKeptBody)
            return (null, null);
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return (null, null);
            string? Text(string name) =>
                root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? Trim(e.GetString()) : null;
            return (Text("code") ?? Text("error"), Text("message"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string? Trim(string? value) => value is null ? null : value.Length <= 200 ? value : value[..200];

    private static string Describe(MomoReply reply) =>
        reply.Kind == MomoReplyKind.Answered ? reply.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : reply.Code ?? "nothing";

    private static string PathName(MomoProduct product) => product == MomoProduct.Collection ? "collection" : "disbursement";

    private ProductState State(MomoProduct product) => product == MomoProduct.Collection ? _collection : _disbursement;

    private sealed record Credentials(string ApiUser, string ApiKey, bool Provisioned);

    private sealed record CachedToken(string Value, DateTimeOffset RefreshAt, DateTimeOffset ExpiresAt);

    // Per product: one refresh at a time (Gate); Token and Credentials are replaced whole, and
    // volatile so a reader outside the gate sees the latest.
    private sealed class ProductState
    {
        private volatile CachedToken? _token;
        private volatile Credentials? _credentials;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public CachedToken? Token { get => _token; set => _token = value; }

        public Credentials? Credentials { get => _credentials; set => _credentials = value; }
    }
}
