using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Pamoja.Sandbox.Timing;

namespace Pamoja.Sandbox.Providers.Momo;

// The validated body of a request-to-pay or transfer (protocols.md §2.3, §2.5).
public sealed record MomoRequestBody(
    string Amount, string Currency, string ExternalId, string PartyIdType, string PartyId, string? PayerMessage, string? PayeeNote);

// POST /collection/v1_0/requesttopay, POST /disbursement/v1_0/transfer and their GETs. Checks run
// in a fixed order (path, subscription key, token, target environment, reference id, body,
// callback host, scripted 503, duplicate) so a request with several faults always gets the same
// answer; README.md lists the order.
public static partial class MomoPaymentEndpoints
{
    public const int MaxNoteLength = 160;

    private static readonly HashSet<string> PartyIdTypes = new(StringComparer.Ordinal) { "MSISDN", "EMAIL", "PARTY_CODE" };

    public static string Path(MomoProduct product) => $"/{product.PathName()}/v1_0/{product.Operation()}";

    public static async Task<IResult> CreateAsync(
        MomoProduct product,
        HttpContext context,
        MomoState state,
        MomoScript script,
        MomoCallbackOutbox callbacks,
        IOptions<MomoOptions> options,
        TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(callbacks);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var request = context.Request;
        var now = time.GetUtcNow();

        if (CheckCommonHeaders(request, product, state, now, out var token) is { } refused)
        {
            return refused;
        }
        if (!MomoWire.TryParseUuidV4(request.Headers[MomoWire.ReferenceIdHeader], out var referenceId))
        {
            return MomoWire.BadRequest("X-Reference-Id must be a UUID version 4.");
        }
        if (!string.Equals(request.ContentType?.Split(';')[0].Trim(), "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return MomoWire.BadRequest("Content-Type must be application/json.");
        }

        var (json, readError) = await MomoJson.ReadAsync(request, context.RequestAborted);
        if (readError is not null)
        {
            return readError;
        }
        var (body, bodyError) = Validate(product, json);
        if (bodyError is not null)
        {
            return bodyError;
        }

        var user = state.FindUser(token!.ApiUser);
        var callbackUrl = (Uri?)null;
        var callbackHeader = request.Headers[MomoWire.CallbackUrlHeader].ToString();
        if (!string.IsNullOrWhiteSpace(callbackHeader))
        {
            if (!Uri.TryCreate(callbackHeader, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                return MomoWire.Error(StatusCodes.Status500InternalServerError, "INVALID_CALLBACK_URL_HOST",
                    "X-Callback-Url must be an absolute http or https URL.");
            }
            // DnsSafeHost drops an IPv6 address's brackets, so it compares with the host as registered.
            if (user?.ProviderCallbackHost is { } host && !string.Equals(url.DnsSafeHost, host, StringComparison.OrdinalIgnoreCase))
            {
                return MomoWire.Error(StatusCodes.Status500InternalServerError, "INVALID_CALLBACK_URL_HOST",
                    $"Callback URL host '{url.DnsSafeHost}' does not match the API user's providerCallbackHost '{host}'.");
            }
            callbackUrl = url;
        }

        // Before the duplicate check: a request refused with 503 was recorded nowhere, so the
        // same reference id sent again afterwards is new, not a duplicate.
        if (script.InServiceUnavailableBurst(body!.PartyIdType, body.PartyId))
        {
            return MomoWire.Error(StatusCodes.Status503ServiceUnavailable, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable. Try again later.");
        }

        var plan = MomoScript.Plan(product, body.PartyIdType, body.PartyId);
        var o = options.Value;
        DateTimeOffset? outcomeAt = plan.Outcome.Status is null ? null : now + (plan.Outcome.Delayed ? o.DelayedOutcomeDelay : o.OutcomeDelay);
        var transaction = new MomoTransaction
        {
            ReferenceId = referenceId,
            Product = product,
            ApiUser = token.ApiUser,
            Amount = body.Amount,
            Currency = body.Currency,
            ExternalId = body.ExternalId,
            PartyIdType = body.PartyIdType,
            PartyId = body.PartyId,
            PayerMessage = body.PayerMessage,
            PayeeNote = body.PayeeNote,
            CallbackUrl = callbackUrl,
            CreatedAt = now,
            OutcomeAt = outcomeAt,
            Plan = plan,
            FinancialTransactionId = plan.Outcome.Status == MomoOutcome.Successful ? state.NextFinancialTransactionId() : null,
        };

        // X-Reference-Id is the idempotency key (§2.7): the first request wins, atomically; a
        // repeat changes nothing and is only counted, so tests can see it was refused.
        if (!state.TryAdd(transaction))
        {
            state.Find(product, referenceId)?.RecordDuplicate();
            return MomoWire.AlreadyExists();
        }

        if (callbackUrl is not null && outcomeAt is { } at)
        {
            callbacks.Schedule(transaction, callbackUrl, at, o.LateCallbackDelay);
        }

        if (plan.Ambiguous)
        {
            // Already carried out; the answer is held past any client timeout. If the client
            // gives up, nothing more is owed to it.
            try
            {
                await time.UntilAsync(now + o.AmbiguousDelay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return Results.Empty;
            }
        }

        return Results.StatusCode(StatusCodes.Status202Accepted);
    }

    public static IResult Get(MomoProduct product, string referenceId, HttpRequest request, MomoState state, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        if (CheckCommonHeaders(request, product, state, now, out _) is { } refused)
        {
            return refused;
        }
        if (!Guid.TryParseExact(referenceId, "D", out var id))
        {
            return MomoWire.BadRequest("The reference id must be a UUID.");
        }
        // 200 even for a failed payment: the status field tells (§2.4).
        return state.Find(product, id) is { } transaction
            ? Results.Json(transaction.ToWire(now))
            : MomoWire.NotFound();
    }

    private static IResult? CheckCommonHeaders(HttpRequest request, MomoProduct product, MomoState state, DateTimeOffset now, out MomoIssuedToken? token)
    {
        token = null;
        if (MomoWire.PathEndsWithSlash(request))
        {
            return MomoWire.NoSuchOperation();
        }
        if (MomoWire.CheckSubscriptionKey(request) is { } denied)
        {
            return denied;
        }
        if (MomoTokenEndpoint.CheckBearer(request, product, state, now, out token) is { } unauthorized)
        {
            return unauthorized;
        }
        if (!string.Equals(request.Headers[MomoWire.TargetEnvironmentHeader], MomoWire.SandboxEnvironment, StringComparison.Ordinal))
        {
            return MomoWire.Error(StatusCodes.Status500InternalServerError, "NOT_ALLOWED_TARGET_ENVIRONMENT", "Access to target environment is forbidden.");
        }
        return null;
    }

    // Digits with optional decimals, as a JSON string: "1500", "12.50".
    [GeneratedRegex(@"^[0-9]{1,15}(\.[0-9]{1,6})?$")]
    private static partial Regex AmountText();

    [GeneratedRegex(@"^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();

    // MSISDNs go on the wire as digits only: "256772123456", never "+256…" (§2.3).
    [GeneratedRegex(@"^[0-9]{5,15}$")]
    private static partial Regex MsisdnDigits();

    public static (MomoRequestBody? Body, IResult? Error) Validate(MomoProduct product, JsonElement? json)
    {
        if (json is not { ValueKind: JsonValueKind.Object } root)
        {
            return Bad("The request body must be a JSON object.");
        }

        if (!root.TryGetProperty("amount", out var amountElement) || amountElement.ValueKind != JsonValueKind.String)
        {
            return Bad("amount is required and must be a string, e.g. \"1500\" or \"12.50\".");
        }
        var amount = amountElement.GetString()!;
        if (!AmountText().IsMatch(amount) || amount.All(c => c is '0' or '.'))
        {
            return Bad("amount must be a positive number written as a string: digits with optional decimals.");
        }

        if (!root.TryGetProperty("currency", out var currencyElement) || currencyElement.ValueKind != JsonValueKind.String)
        {
            return Bad("currency is required and must be a string.");
        }
        var currency = currencyElement.GetString()!;

        if (!root.TryGetProperty("externalId", out var externalElement) || externalElement.ValueKind != JsonValueKind.String)
        {
            return Bad("externalId is required and must be a string.");
        }

        var partyField = product.PartyField();
        if (!root.TryGetProperty(partyField, out var party) || party.ValueKind != JsonValueKind.Object)
        {
            return Bad($"{partyField} is required and must be an object: {{\"partyIdType\":\"MSISDN\",\"partyId\":\"...\"}}.");
        }
        var partyIdType = party.TryGetProperty("partyIdType", out var typeElement) && typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString()! : null;
        if (partyIdType is null || !PartyIdTypes.Contains(partyIdType))
        {
            return Bad($"{partyField}.partyIdType must be MSISDN, EMAIL or PARTY_CODE.");
        }
        var partyId = party.TryGetProperty("partyId", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString()! : null;
        if (string.IsNullOrWhiteSpace(partyId) || partyId.Length > 256)
        {
            return Bad($"{partyField}.partyId is required.");
        }
        if (partyIdType == "MSISDN" && !MsisdnDigits().IsMatch(partyId))
        {
            return Bad($"{partyField}.partyId must be an MSISDN: the country code and number as digits, without '+'.");
        }

        var (payerMessage, payerError) = Note(root, "payerMessage");
        if (payerError is not null)
        {
            return (null, payerError);
        }
        var (payeeNote, payeeError) = Note(root, "payeeNote");
        if (payeeError is not null)
        {
            return (null, payeeError);
        }

        // After every 400: a malformed body is a bad request whatever its currency says.
        if (!CurrencyCode().IsMatch(currency))
        {
            return (null, MomoWire.Error(StatusCodes.Status500InternalServerError, "INVALID_CURRENCY", "Currency not supported."));
        }

        return (new MomoRequestBody(amount, currency, externalElement.GetString()!, partyIdType, partyId, payerMessage, payeeNote), null);
    }

    // Optional, at most 160 characters, and no apostrophe: MTN refuses some characters in
    // notes with a 400 and the apostrophe is the documented one (§2.3) — and the one a name
    // like Ng'ang'a brings in.
    private static (string? Value, IResult? Error) Note(JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }
        if (element.ValueKind != JsonValueKind.String)
        {
            return (null, MomoWire.BadRequest($"{field} must be a string."));
        }
        var value = element.GetString()!;
        if (value.Length > MaxNoteLength)
        {
            return (null, MomoWire.BadRequest($"{field} must be at most {MaxNoteLength} characters."));
        }
        if (value.Contains('\'', StringComparison.Ordinal))
        {
            return (null, MomoWire.BadRequest($"{field} contains an unsupported character (')."));
        }
        return (value, null);
    }

    private static (MomoRequestBody?, IResult?) Bad(string message) => (null, MomoWire.BadRequest(message));
}
