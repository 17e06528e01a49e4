using System.Text;
using System.Text.Json.Nodes;
using Pamoja.Web.Integrations.Momo;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Tests.Integrations.Momo;

public sealed class MomoCallbacksTests
{
    private const string Ref = "0bae0623-18d8-4f54-b6cf-af4a32158a9d";

    private const string Success = """
        {"amount":"1500","currency":"UGX","financialTransactionId":"23503452","externalId":"abc-1",
         "payer":{"partyIdType":"MSISDN","partyId":"256772123456"},"payerMessage":"Pamoja","payeeNote":"PJ","status":"SUCCESSFUL"}
        """;

    [Fact]
    public void SuccessfulCallbackIsSucceededWithReceiptAndAmount()
    {
        var notice = MomoCallbacks.Parse(Success, Ref);

        Assert.NotNull(notice);
        Assert.Equal("momo", notice.Provider);
        Assert.Equal($"momo:{Ref}:SUCCESSFUL", notice.NoticeKey);
        Assert.Equal(Ref, notice.ProviderRef);
        Assert.Equal(GatewayStatus.Succeeded, notice.Status);
        Assert.Equal("23503452", notice.Receipt);
        Assert.Equal(1500, notice.Amount);
        Assert.Null(notice.Code);
    }

    [Fact]
    public void TwoDecimalAmountsComeBackInMinorUnits()
    {
        var notice = MomoCallbacks.Parse("""{"amount":"12.50","currency":"EUR","financialTransactionId":"1","status":"SUCCESSFUL"}""", Ref);
        Assert.Equal(1250, notice!.Amount);
    }

    [Fact]
    public void ReasonAsAStringOrAsAnObjectGivesTheSameCode()
    {
        var asString = MomoCallbacks.Parse("""{"status":"FAILED","reason":"NOT_ENOUGH_FUNDS","amount":"5","currency":"EUR"}""", Ref);
        var asObject = MomoCallbacks.Parse("""{"status":"FAILED","reason":{"code":"NOT_ENOUGH_FUNDS","message":"Not enough funds"}}""", Ref);

        Assert.Equal(GatewayStatus.Failed, asString!.Status);
        Assert.Equal("NOT_ENOUGH_FUNDS", asString.Code);
        Assert.Null(asString.Message);
        Assert.Null(asString.Receipt);
        Assert.Equal(GatewayStatus.Failed, asObject!.Status);
        Assert.Equal("NOT_ENOUGH_FUNDS", asObject.Code);
        Assert.Equal("Not enough funds", asObject.Message);
        Assert.Equal(asString.NoticeKey, asObject.NoticeKey);
    }

    [Theory]
    [InlineData("FAILED")]
    [InlineData("REJECTED")]
    [InlineData("TIMEOUT")]
    [InlineData("EXPIRED")]
    [InlineData("failed")]
    public void EveryFailureWordIsFailedAndWithoutAReasonTheWordIsTheCode(string status)
    {
        var notice = MomoCallbacks.Parse($$"""{"status":"{{status}}"}""", Ref);
        Assert.Equal(GatewayStatus.Failed, notice!.Status);
        Assert.Equal(status.ToUpperInvariant(), notice.Code);
        Assert.Equal($"momo:{Ref}:{status.ToUpperInvariant()}", notice.NoticeKey);
    }

    [Fact]
    public void PendingCallbackAndTheFinalOneAreDistinctNotices()
    {
        var pending = MomoCallbacks.Parse("""{"status":"PENDING","amount":"1500","currency":"UGX"}""", Ref);
        var final = MomoCallbacks.Parse(Success, Ref);

        Assert.Equal(GatewayStatus.Pending, pending!.Status);
        Assert.NotEqual(pending.NoticeKey, final!.NoticeKey);
        // The same callback delivered again is the same notice.
        Assert.Equal(final.NoticeKey, MomoCallbacks.Parse(Success, Ref)!.NoticeKey);
    }

    [Fact]
    public void ReferenceIsNormalisedAndMayComeFromTheBodyWhenTheQueryHasNone()
    {
        Assert.Equal(Ref, MomoCallbacks.Parse(Success, Ref.ToUpperInvariant())!.ProviderRef);
        Assert.Equal(Ref, MomoCallbacks.Parse(Success, " " + Ref + " ")!.ProviderRef);
        var withBodyRef = JsonNode.Parse(Success)!.AsObject();
        withBodyRef["referenceId"] = Ref;
        Assert.Equal(Ref, MomoCallbacks.Parse(withBodyRef.ToJsonString(), null)!.ProviderRef);
        // The query wins: it is what Pamoja put in the URL.
        var other = Guid.NewGuid().ToString("D");
        Assert.Equal(other, MomoCallbacks.Parse(withBodyRef.ToJsonString(), other)!.ProviderRef);
    }

    public static TheoryData<string?, string?> Garbage()
    {
        var data = new TheoryData<string?, string?>
        {
            { null, Ref },
            { "", Ref },
            { "   ", Ref },
            { "not json", Ref },
            { "{", Ref },
            { "null", Ref },
            { "42", Ref },
            { "\"SUCCESSFUL\"", Ref },
            { "[]", Ref },
            { """[{"status":"SUCCESSFUL"}]""", Ref },
            { "{}", Ref },
            { """{"status":null}""", Ref },
            { """{"status":1}""", Ref },
            { """{"status":["SUCCESSFUL"]}""", Ref },
            { """{"status":{"code":"SUCCESSFUL"}}""", Ref },
            { """{"status":"DONE"}""", Ref },
            { """{"status":"SUCCESSFUL"}""", null },
            { """{"status":"SUCCESSFUL"}""", "" },
            { """{"status":"SUCCESSFUL"}""", "not-a-guid" },
            { """{"status":"SUCCESSFUL"}""", "00000000-0000-0000-0000-000000000000" },
            { """{"status":"SUCCESSFUL"}""", Ref + Ref },
            { """{"status":"SUCCESSFUL","referenceId":42}""", null },
            { """{"status":"FAILED","reason":42}""", Ref },
            { """{"status":"FAILED","reason":true}""", Ref },
            { """{"status":"FAILED","reason":["NOT_ENOUGH_FUNDS"]}""", Ref },
            { """{"status":"FAILED","reason":{"code":42}}""", Ref },
            { """{"status":"FAILED","reason":{"code":"X","message":[]}}""", Ref },
            { """{"status":"SUCCESSFUL","financialTransactionId":23503452}""", Ref },
            { """{"status":"SUCCESSFUL","amount":1500,"currency":"UGX"}""", Ref },
            { """{"status":"SUCCESSFUL","currency":{"code":"UGX"}}""", Ref },
            { """{"status":"SUCCESSFUL","externalId":7}""", Ref },
            { """{"status":"SUCCESSFUL","payer":[]}""", Ref },
            { """{"status":"SUCCESSFUL","payee":"256772123456"}""", Ref },
            { """{"status":"SUCCESSFUL","financialTransactionId":"$huge"}""", Ref },
            { """{"status":"FAILED","reason":"$huge"}""", Ref },
            { """{"status":"$huge"}""", Ref },
            { """{"status":"SUCCESSFUL","filler":"$megabyte"}""", Ref },
            { new string('[', 10_000) + new string(']', 10_000), Ref },
            { """{"a":""" + new string('[', 100) + new string(']', 100) + ""","status":"SUCCESSFUL"}""", Ref },
            { "\uFEFF\0\u0001", Ref },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Garbage))]
    public void GarbageIsNullNeverAnException(string? body, string? reference)
    {
        body = body?.Replace("$huge", new string('9', 5_000), StringComparison.Ordinal)
                    .Replace("$megabyte", new string('x', 1_000_000), StringComparison.Ordinal);
        Assert.Null(MomoCallbacks.Parse(body, reference));
    }

    [Fact]
    public void HugeMessagesAreCutNotFatal()
    {
        var notice = MomoCallbacks.Parse($$$"""{"status":"FAILED","reason":{"code":"X","message":"{{{new string('m', 5_000)}}}"}}""", Ref);
        Assert.Equal(500, notice!.Message!.Length);
    }

    [Fact]
    public void RandomMutationsOfARealCallbackNeverThrow()
    {
        // Seeded, so a failure reproduces.
        var random = new Random(20250301);
        var alphabet = "{}[]\":,\\ 0123456789abcdefSUCESFULnrtx-.eE+\u00e9\u20ac\uD83D\uDE00\0";
        var seeds = new[]
        {
            Success,
            """{"status":"FAILED","reason":{"code":"NOT_ENOUGH_FUNDS","message":"Not enough funds"}}""",
            """{"status":"PENDING","amount":"12.50","currency":"EUR"}""",
        };
        for (var i = 0; i < 20_000; i++)
        {
            var text = new StringBuilder(seeds[i % seeds.Length]);
            for (var edits = random.Next(1, 6); edits > 0 && text.Length > 0; edits--)
            {
                var at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0: text.Remove(at, 1); break;
                    case 1: text.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    default: text[at] = alphabet[random.Next(alphabet.Length)]; break;
                }
            }
            var reference = random.Next(4) == 0 ? null : Ref;
            var notice = MomoCallbacks.Parse(text.ToString(), reference);
            if (notice is not null)
            {
                Assert.StartsWith("momo:", notice.NoticeKey, StringComparison.Ordinal);
                Assert.False(string.IsNullOrEmpty(notice.ProviderRef));
            }
        }
    }

    [Fact]
    public void RandomJsonValuesNeverThrow()
    {
        var random = new Random(7);
        for (var i = 0; i < 5_000; i++)
        {
            var node = RandomNode(random, depth: 0);
            var body = node?.ToJsonString() ?? "null";
            var notice = MomoCallbacks.Parse(body, Ref);
            if (notice is not null) Assert.Equal(Ref, notice.ProviderRef);
        }
    }

    // Objects use the callback's own field names often, so the parser is exercised past its first check.
    private static JsonNode? RandomNode(Random random, int depth)
    {
        string[] names = ["status", "reason", "code", "message", "amount", "currency", "financialTransactionId", "externalId", "payer", "payee", "x"];
        string[] words = ["SUCCESSFUL", "FAILED", "PENDING", "REJECTED", "UGX", "EUR", "12.50", "1500", "", "NOT_ENOUGH_FUNDS"];
        switch (random.Next(depth > 3 ? 4 : 6))
        {
            case 0: return null;
            case 1: return JsonValue.Create(words[random.Next(words.Length)]);
            case 2: return JsonValue.Create(random.NextDouble() * 1e6);
            case 3: return JsonValue.Create(random.Next(2) == 0);
            case 4:
                var array = new JsonArray();
                for (var n = random.Next(4); n > 0; n--) array.Add(RandomNode(random, depth + 1));
                return array;
            default:
                var obj = new JsonObject();
                for (var n = random.Next(6); n > 0; n--) obj[names[random.Next(names.Length)]] = RandomNode(random, depth + 1);
                return obj;
        }
    }
}
