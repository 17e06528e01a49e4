using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pamoja.Web.Integrations.Mpesa;
using Pamoja.Web.Integrations.Payments;

namespace Pamoja.Web.Tests.Integrations.Mpesa;

/// The parsers against Daraja's documented shapes (protocols.md §1.2-§1.6), then against
/// garbage: whatever arrives, they never throw, and what is not a valid callback is null.
public sealed class MpesaCallbacksTests
{
    public const string StkSuccess = """
        { "Body": { "stkCallback": {
            "MerchantRequestID": "29115-34620561-1",
            "CheckoutRequestID": "ws_CO_191220191020363925",
            "ResultCode": 0,
            "ResultDesc": "The service request is processed successfully.",
            "CallbackMetadata": { "Item": [
              { "Name": "Amount", "Value": 1.00 },
              { "Name": "MpesaReceiptNumber", "Value": "NLJ7RT61SV" },
              { "Name": "Balance" },
              { "Name": "TransactionDate", "Value": 20191219102115 },
              { "Name": "PhoneNumber", "Value": 254708374149 } ] } } } }
        """;

    public const string StkCancelled = """
        { "Body": { "stkCallback": { "MerchantRequestID": "29115-34620561-1", "CheckoutRequestID": "ws_CO_191220191020363925",
          "ResultCode": 1032, "ResultDesc": "Request cancelled by user" } } }
        """;

    public const string B2cSuccess = """
        { "Result": {
            "ResultType": 0, "ResultCode": 0,
            "ResultDesc": "The service request is processed successfully.",
            "OriginatorConversationID": "pamoja-0b9f1c4e8d2a4f7e9c3b5a6d7e8f9a0b-1", "ConversationID": "AG_20240706_2010325b025970fbc403",
            "TransactionID": "SG632NMUAB",
            "ResultParameters": { "ResultParameter": [
              { "Key": "TransactionAmount", "Value": 10 },
              { "Key": "TransactionReceipt", "Value": "SG632NMUAB" },
              { "Key": "ReceiverPartyPublicName", "Value": "254708374149 - NAME" },
              { "Key": "TransactionCompletedDateTime", "Value": "06.07.2024 22:48:52" },
              { "Key": "B2CUtilityAccountAvailableFunds", "Value": 8959269.60 },
              { "Key": "B2CWorkingAccountAvailableFunds", "Value": 1199371.00 },
              { "Key": "B2CRecipientIsRegisteredCustomer", "Value": "Y" },
              { "Key": "B2CChargesPaidAccountAvailableFunds", "Value": -1980.00 } ] },
            "ReferenceData": { "ReferenceItem": { "Key": "QueueTimeoutURL", "Value": "https://example.org/timeout" } } } }
        """;

    public const string B2cFailed = """
        { "Result": { "ResultType": 0, "ResultCode": 2001, "ResultDesc": "The initiator information is invalid.",
          "OriginatorConversationID": "pamoja-0b9f1c4e8d2a4f7e9c3b5a6d7e8f9a0b-1", "ConversationID": "AG_20240706_2010325b025970fbc403",
          "TransactionID": "SG632NMUAC",
          "ReferenceData": { "ReferenceItem": { "Key": "QueueTimeoutURL", "Value": "https://example.org/timeout" } } } }
        """;

    public const string StatusCompleted = """
        { "Result": { "ResultType": 0, "ResultCode": 0, "ResultDesc": "The service request has been accepted successfully.",
          "OriginatorConversationID": "10816-694520-2", "ConversationID": "AG_20240707_20106f4ff8a0c4b3b9e9", "TransactionID": "SG632NMUAB",
          "ResultParameters": { "ResultParameter": [
            { "Key": "DebitPartyName", "Value": "600992 - Safaricom" },
            { "Key": "CreditPartyName", "Value": "254708374149 - NAME" },
            { "Key": "OriginatorConversationID", "Value": "pamoja-0b9f1c4e8d2a4f7e9c3b5a6d7e8f9a0b-1" },
            { "Key": "InitiatedTime", "Value": 20240706224852 },
            { "Key": "DebitAccountType", "Value": "Utility Account" },
            { "Key": "DebitPartyCharges", "Value": "Fee For B2C Payment|KES|22.40" },
            { "Key": "TransactionReason" },
            { "Key": "ReasonType", "Value": "Business Payment to Customer via API" },
            { "Key": "TransactionStatus", "Value": "Completed" },
            { "Key": "FinalisedTime", "Value": 20240706224852 },
            { "Key": "Amount", "Value": 10.00 },
            { "Key": "ConversationID", "Value": "AG_20240706_2010325b025970fbc403" },
            { "Key": "ReceiptNo", "Value": "SG632NMUAB" } ] },
          "ReferenceData": { "ReferenceItem": { "Key": "Occasion", "Value": "pamoja-0b9f1c4e8d2a4f7e9c3b5a6d7e8f9a0b-1" } } } }
        """;

    public const string StatusNotFound = """
        { "Result": { "ResultType": 0, "ResultCode": "R000001", "ResultDesc": "The transaction could not be found.",
          "OriginatorConversationID": "10816-694520-3", "ConversationID": "AG_20240707_30106f4ff8a0c4b3b9e9", "TransactionID": "SG632NMUAD",
          "ReferenceData": { "ReferenceItem": { "Key": "Occasion", "Value": "pamoja-0b9f1c4e8d2a4f7e9c3b5a6d7e8f9a0b-2" } } } }
        """;

    public const string C2b = """
        { "TransactionType": "Pay Bill", "TransID": "RKL51ZDR4F", "TransTime": "20231121121325",
          "TransAmount": "5.00", "BusinessShortCode": "600966", "BillRefNumber": "Sample Transaction",
          "InvoiceNumber": "", "OrgAccountBalance": "25.00", "ThirdPartyTransID": "",
          "MSISDN": "2547 ***** 126", "FirstName": "NICHOLAS", "MiddleName": "", "LastName": "" }
        """;

    private const string Originator = "pamoja-0b9f1c4e8d2a4f7e9c3b5a6d7e8f9a0b-1";

    [Fact]
    public void StkSuccessIsReadByNameNotPosition()
    {
        Assert.Equal(new ProviderNotice("mpesa", "mpesa:stk:ws_CO_191220191020363925", "ws_CO_191220191020363925", GatewayStatus.Succeeded,
            "NLJ7RT61SV", 100, "0", "The service request is processed successfully."), MpesaCallbacks.ParseStk(StkSuccess));
    }

    [Fact]
    public void StkFailureHasNoMetadataAndMovesNothing()
    {
        Assert.Equal(new ProviderNotice("mpesa", "mpesa:stk:ws_CO_191220191020363925", "ws_CO_191220191020363925", GatewayStatus.Failed,
            null, null, "1032", "Request cancelled by user"), MpesaCallbacks.ParseStk(StkCancelled));
    }

    [Fact]
    public void StkLetterCodesAreFailures()
    {
        var notice = MpesaCallbacks.ParseStk(StkCancelled.Replace("1032", "\"SFC_IC0003\"", StringComparison.Ordinal));

        Assert.Equal(GatewayStatus.Failed, notice?.Status);
        Assert.Equal("SFC_IC0003", notice?.Code);
    }

    [Fact]
    public void StkAmountWithoutDecimalsAndItemsInAnyOrderAreFine()
    {
        var body = JsonNode.Parse(StkSuccess)!;
        var items = body["Body"]!["stkCallback"]!["CallbackMetadata"]!["Item"]!.AsArray();
        var reversed = new JsonArray(items.Reverse().Select(i => i!.DeepClone()).ToArray());
        body["Body"]!["stkCallback"]!["CallbackMetadata"]!["Item"] = reversed;
        reversed[^1]!["Value"] = 1500; // Amount, now last

        var notice = MpesaCallbacks.ParseStk(body.ToJsonString());

        Assert.Equal(150_000, notice?.Amount);
        Assert.Equal("NLJ7RT61SV", notice?.Receipt);
    }

    [Fact]
    public void B2cSuccessAndFailure()
    {
        Assert.Equal(new ProviderNotice("mpesa", "mpesa:b2c:" + Originator, Originator, GatewayStatus.Succeeded, "SG632NMUAB", 1_000, "0",
            "The service request is processed successfully."), MpesaCallbacks.ParseB2cResult(B2cSuccess));
        Assert.Equal(new ProviderNotice("mpesa", "mpesa:b2c:" + Originator, Originator, GatewayStatus.Failed, null, null, "2001",
            "The initiator information is invalid."), MpesaCallbacks.ParseB2cResult(B2cFailed));
    }

    [Fact]
    public void B2cSingleParameterAsAnObjectIsRead()
    {
        var body = JsonNode.Parse(B2cSuccess)!;
        body["Result"]!["ResultParameters"]!["ResultParameter"] = new JsonObject { ["Key"] = "TransactionReceipt", ["Value"] = "SG632NMUAB" };

        var notice = MpesaCallbacks.ParseB2cResult(body.ToJsonString());

        Assert.Equal(GatewayStatus.Succeeded, notice?.Status);
        Assert.Null(notice?.Amount);
    }

    [Fact]
    public void B2cInterimResultIsPendingUnderItsOwnKey()
    {
        var notice = MpesaCallbacks.ParseB2cResult(B2cSuccess.Replace("\"ResultType\": 0", "\"ResultType\": 1", StringComparison.Ordinal));

        Assert.Equal(GatewayStatus.Pending, notice?.Status);
        Assert.NotEqual("mpesa:b2c:" + Originator, notice?.NoticeKey);
    }

    [Fact]
    public void B2cTimeoutIsUnknown()
    {
        var notice = MpesaCallbacks.ParseB2cTimeout(B2cFailed);
        var bare = MpesaCallbacks.ParseB2cTimeout($$"""{"OriginatorConversationID":"{{Originator}}"}""");

        Assert.Equal(GatewayStatus.Unknown, notice?.Status);
        Assert.Equal(Originator, notice?.ProviderRef);
        Assert.Null(bare);
        Assert.NotEqual(MpesaCallbacks.ParseB2cResult(B2cFailed)!.NoticeKey, notice?.NoticeKey);
    }

    [Fact]
    public void StatusCompletedIsTheOriginalPayoutSucceeded()
    {
        Assert.Equal(new ProviderNotice("mpesa", "mpesa:status:AG_20240707_20106f4ff8a0c4b3b9e9", Originator, GatewayStatus.Succeeded,
            "SG632NMUAB", 1_000, "0", "The service request has been accepted successfully."), MpesaCallbacks.ParseStatusResult(StatusCompleted));
    }

    [Fact]
    public void StatusNotFoundNamesThePayoutThroughTheOccasionAndFailsIt()
    {
        var notice = MpesaCallbacks.ParseStatusResult(StatusNotFound);

        Assert.Equal(GatewayStatus.Failed, notice?.Status);
        Assert.Equal("pamoja-0b9f1c4e8d2a4f7e9c3b5a6d7e8f9a0b-2", notice?.ProviderRef);
        Assert.Equal(GatewayCodes.NotFound, notice?.Code); // R000001, in the one code every gateway uses for "no such request"
    }

    [Theory]
    [InlineData("Failed", GatewayStatus.Failed)]
    [InlineData("Cancelled", GatewayStatus.Failed)]
    [InlineData("Pending", GatewayStatus.Pending)]
    [InlineData("Reversed", GatewayStatus.Unknown)]
    public void StatusOtherThanCompletedIsNeverSuccess(string transactionStatus, GatewayStatus expected)
    {
        var notice = MpesaCallbacks.ParseStatusResult(StatusCompleted.Replace("\"Completed\"", $"\"{transactionStatus}\"", StringComparison.Ordinal));

        Assert.Equal(expected, notice?.Status);
        Assert.Null(notice?.Receipt);
    }

    [Fact]
    public void AStatusQueryThatItselfFailedSaysNothingAboutThePayout()
    {
        var body = StatusNotFound.Replace("\"R000001\"", "2001", StringComparison.Ordinal);

        Assert.Equal(GatewayStatus.Unknown, MpesaCallbacks.ParseStatusResult(body)?.Status);
    }

    [Fact]
    public void C2bIsReadWithAllStrings()
    {
        Assert.Equal(new C2bPayment("RKL51ZDR4F", "Sample Transaction", 500, "2547 ***** 126", "20231121121325", "600966"), MpesaCallbacks.ParseC2b(C2b));
        Assert.Equal(1_050, MpesaCallbacks.ParseC2b(C2b.Replace("\"5.00\"", "\"10.5\"", StringComparison.Ordinal))?.Amount);
        Assert.Equal("", MpesaCallbacks.ParseC2b(C2b.Replace("\"Sample Transaction\"", "\"\"", StringComparison.Ordinal))?.BillRefNumber);
    }

    [Fact]
    public void RepliesAreDarajasExactBodies()
    {
        Assert.Equal("""{"ResultCode":0,"ResultDesc":"Accepted"}""", MpesaCallbacks.StkAck);
        Assert.Equal("""{"ResultCode":0,"ResultDesc":"Accepted"}""", MpesaCallbacks.B2cAck);
        Assert.Equal("""{"ResultCode":"0","ResultDesc":"Accepted"}""", MpesaCallbacks.C2bAccept);
        Assert.Equal("""{"ResultCode":"C2B00012","ResultDesc":"Rejected"}""", MpesaCallbacks.C2bReject(MpesaCallbacks.InvalidAccountNumber));
        Assert.Equal("""{"ResultCode":"C2B00016","ResultDesc":"Rejected"}""", MpesaCallbacks.C2bReject("\"},\"x\":\""));
        Assert.Equal("""{"ResultCode":0,"ResultDesc":"Success"}""", MpesaCallbacks.C2bConfirmationAck);
        foreach (var reply in new[] { MpesaCallbacks.StkAck, MpesaCallbacks.C2bAccept, MpesaCallbacks.C2bReject("C2B00011"), MpesaCallbacks.C2bConfirmationAck })
            using (JsonDocument.Parse(reply)) { }
    }

    // ---- garbage ----

    public static TheoryData<string> NotJson() => new()
    {
        "", " ", "null", "true", "0", "\"text\"", "[]", "[{}]", "{", "}{", "{\"Body\":", "<xml/>",
        "\uFEFF{}", "{\"a\":1,}", "{'Body':{}}", "{\"Body\":{\"stkCallback\":{\"CheckoutRequestID\":\"\\ud800\",\"ResultCode\":0}}}",
        "\ud800", new string('[', 10_000), new string('{', 5_000), "{\"x\":\"" + new string('y', 2_000_000) + "\"}",
    };

    [Theory]
    [MemberData(nameof(NotJson))]
    public void NotAJsonObjectIsNullForEveryParser(string body) => AssertAllNull(body);

    public static TheoryData<string, string> BrokenStk() => Broken(StkSuccess, new()
    {
        ["no envelope"] = b => b.AsObject().Remove("Body"),
        ["callback is an array"] = b => b["Body"]!["stkCallback"] = new JsonArray(),
        ["ResultCode as a string"] = b => b["Body"]!["stkCallback"]!["ResultCode"] = "0",
        ["ResultCode fractional"] = b => b["Body"]!["stkCallback"]!["ResultCode"] = 0.5,
        ["ResultCode missing"] = b => b["Body"]!["stkCallback"]!.AsObject().Remove("ResultCode"),
        ["ResultCode true"] = b => b["Body"]!["stkCallback"]!["ResultCode"] = true,
        ["CheckoutRequestID number"] = b => b["Body"]!["stkCallback"]!["CheckoutRequestID"] = 12,
        ["CheckoutRequestID empty"] = b => b["Body"]!["stkCallback"]!["CheckoutRequestID"] = "",
        ["CheckoutRequestID huge"] = b => b["Body"]!["stkCallback"]!["CheckoutRequestID"] = new string('w', 100_000),
        ["ResultDesc object"] = b => b["Body"]!["stkCallback"]!["ResultDesc"] = new JsonObject(),
        ["metadata missing"] = b => b["Body"]!["stkCallback"]!.AsObject().Remove("CallbackMetadata"),
        ["items an object of objects"] = b => b["Body"]!["stkCallback"]!["CallbackMetadata"]!["Item"] = new JsonObject { ["a"] = 1 },
        ["items a string"] = b => b["Body"]!["stkCallback"]!["CallbackMetadata"]!["Item"] = "Amount",
        ["receipt missing"] = b => Item(b, 1).Remove("Value"),
        ["receipt a number"] = b => Item(b, 1)["Value"] = 1234567890,
        ["receipt lower case"] = b => Item(b, 1)["Value"] = "nlj7rt61sv",
        ["amount a string"] = b => Item(b, 0)["Value"] = "1.00",
        ["amount zero"] = b => Item(b, 0)["Value"] = 0,
        ["amount negative"] = b => Item(b, 0)["Value"] = -5,
        ["amount in tenths of cents"] = b => Item(b, 0)["Value"] = 1.005m,
        ["amount absurd"] = b => Item(b, 0)["Value"] = 1e300,
        ["an item without a name"] = b => Item(b, 2).Remove("Name"),
        ["a name twice"] = b => b["Body"]!["stkCallback"]!["CallbackMetadata"]!["Item"]!.AsArray().Add(new JsonObject { ["Name"] = "Amount", ["Value"] = 99 }),
        ["an item that is a number"] = b => b["Body"]!["stkCallback"]!["CallbackMetadata"]!["Item"]!.AsArray().Add(7),
    });

    [Theory]
    [MemberData(nameof(BrokenStk))]
    public void BrokenStkCallbacksAreNull(string why, string body)
    {
        Assert.True(MpesaCallbacks.ParseStk(body) is null, why);
    }

    public static TheoryData<string, string> BrokenB2c() => Broken(B2cSuccess, new()
    {
        ["no Result"] = b => b.AsObject().Remove("Result"),
        ["Result an array"] = b => b["Result"] = new JsonArray(new JsonObject()),
        ["ResultCode as a digit string"] = b => b["Result"]!["ResultCode"] = "0",
        ["ResultCode null"] = b => b["Result"]!["ResultCode"] = null,
        ["ResultType a string"] = b => b["Result"]!["ResultType"] = "0",
        ["originator missing"] = b => b["Result"]!.AsObject().Remove("OriginatorConversationID"),
        ["originator a number"] = b => b["Result"]!["OriginatorConversationID"] = 5,
        ["originator with a newline"] = b => b["Result"]!["OriginatorConversationID"] = "a\nb",
        ["parameters missing on success"] = b => b["Result"]!.AsObject().Remove("ResultParameters"),
        ["parameters a string"] = b => b["Result"]!["ResultParameters"] = "x",
        ["amount a string"] = b => Parameter(b, 0)["Value"] = "10",
        ["receipt an array"] = b => Parameter(b, 1)["Value"] = new JsonArray("SG632NMUAB"),
        ["key missing"] = b => Parameter(b, 3).Remove("Key"),
        ["ConversationID an object"] = b => b["Result"]!["ConversationID"] = new JsonObject(),
    });

    [Theory]
    [MemberData(nameof(BrokenB2c))]
    public void BrokenB2cResultsAreNull(string why, string body)
    {
        Assert.True(MpesaCallbacks.ParseB2cResult(body) is null, why);
    }

    public static TheoryData<string, string> BrokenStatus() => Broken(StatusCompleted, new()
    {
        ["no Result"] = b => b.AsObject().Remove("Result"),
        ["ResultCode a digit string"] = b => b["Result"]!["ResultCode"] = "0",
        ["no ids for the event"] = b => { b["Result"]!.AsObject().Remove("ConversationID"); b["Result"]!.AsObject().Remove("OriginatorConversationID"); },
        ["no original id anywhere"] = b => { Parameter(b, 2)["Key"] = "Other"; b["Result"]!.AsObject().Remove("ReferenceData"); },
        ["original id a number"] = b => Parameter(b, 2)["Value"] = 5,
        ["TransactionStatus missing"] = b => Parameter(b, 8)["Key"] = "Status",
        ["TransactionStatus a number"] = b => Parameter(b, 8)["Value"] = 1,
        ["receipt missing"] = b => { Parameter(b, 12)["Key"] = "Receipt"; b["Result"]!.AsObject().Remove("TransactionID"); },
        ["amount an object"] = b => Parameter(b, 10)["Value"] = new JsonObject(),
        ["amount words"] = b => Parameter(b, 10)["Value"] = "ten",
        ["parameters an array"] = b => b["Result"]!["ResultParameters"] = new JsonArray(),
    });

    [Theory]
    [MemberData(nameof(BrokenStatus))]
    public void BrokenStatusResultsAreNull(string why, string body)
    {
        Assert.True(MpesaCallbacks.ParseStatusResult(body) is null, why);
    }

    public static TheoryData<string, string> BrokenC2b() => Broken(C2b, new()
    {
        ["amount a number"] = b => b["TransAmount"] = 5.00,
        ["amount words"] = b => b["TransAmount"] = "five",
        ["amount zero"] = b => b["TransAmount"] = "0.00",
        ["amount with a sign"] = b => b["TransAmount"] = "-5.00",
        ["amount in tenths of cents"] = b => b["TransAmount"] = "5.001",
        ["TransID missing"] = b => b.AsObject().Remove("TransID"),
        ["TransID a number"] = b => b["TransID"] = 1234567890,
        ["TransID with spaces"] = b => b["TransID"] = "RKL 51ZDR4",
        ["BillRefNumber missing"] = b => b.AsObject().Remove("BillRefNumber"),
        ["BillRefNumber null"] = b => b["BillRefNumber"] = null,
        ["MSISDN a number"] = b => b["MSISDN"] = 254708374126,
        ["TransTime a number"] = b => b["TransTime"] = 20231121121325,
        ["TransTime not a time"] = b => b["TransTime"] = "yesterday",
        ["ShortCode a number"] = b => b["BusinessShortCode"] = 600966,
        ["ShortCode letters"] = b => b["BusinessShortCode"] = "SHORT",
    });

    [Theory]
    [MemberData(nameof(BrokenC2b))]
    public void BrokenC2bPayloadsAreNull(string why, string body)
    {
        Assert.True(MpesaCallbacks.ParseC2b(body) is null, why);
    }

    [Fact]
    public void EveryTypeSwapOfEveryFieldNeverThrows()
    {
        // Each valid sample, with each value anywhere in it swapped for each other kind of JSON
        // value: thousands of near-misses. Whatever the parsers make of them, they must not throw.
        foreach (var sample in new[] { StkSuccess, StkCancelled, B2cSuccess, B2cFailed, StatusCompleted, StatusNotFound, C2b })
        {
            var root = JsonNode.Parse(sample)!;
            foreach (var path in Paths(root))
            {
                foreach (var replacement in Replacements())
                {
                    var copy = root.DeepClone();
                    Replace(copy, path, replacement?.DeepClone());
                    ParseAll(copy.ToJsonString());
                }
                var removed = root.DeepClone();
                Remove(removed, path);
                ParseAll(removed.ToJsonString());
            }
        }
    }

    [Fact]
    public void RandomJsonNeverThrowsAndIsNeverAValidCallback()
    {
        var random = new Random(20240706);
        for (var i = 0; i < 3_000; i++)
        {
            var body = RandomJson(random, depth: 0)?.ToJsonString() ?? "null";
            ParseAll(body);
            AssertAllNull(body);
        }
    }

    [Fact]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(1032);
        for (var i = 0; i < 2_000; i++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            var text = Encoding.UTF8.GetString(bytes);
            AssertAllNull(text);
            // Valid JSON with a random tail or head, too.
            ParseAll(StkSuccess + text);
            ParseAll(text + B2cSuccess);
        }
    }

    private static void AssertAllNull(string body)
    {
        Assert.Null(MpesaCallbacks.ParseStk(body));
        Assert.Null(MpesaCallbacks.ParseB2cResult(body));
        Assert.Null(MpesaCallbacks.ParseB2cTimeout(body));
        Assert.Null(MpesaCallbacks.ParseStatusResult(body));
        Assert.Null(MpesaCallbacks.ParseC2b(body));
    }

    private static void ParseAll(string body)
    {
        _ = MpesaCallbacks.ParseStk(body);
        _ = MpesaCallbacks.ParseB2cResult(body);
        _ = MpesaCallbacks.ParseB2cTimeout(body);
        _ = MpesaCallbacks.ParseStatusResult(body);
        _ = MpesaCallbacks.ParseC2b(body);
    }

    private static TheoryData<string, string> Broken(string sample, Dictionary<string, Action<JsonNode>> breakages)
    {
        var data = new TheoryData<string, string>();
        foreach (var (why, breakIt) in breakages)
        {
            var node = JsonNode.Parse(sample)!;
            breakIt(node);
            data.Add(why, node.ToJsonString());
        }
        return data;
    }

    private static JsonObject Item(JsonNode body, int index) => body["Body"]!["stkCallback"]!["CallbackMetadata"]!["Item"]![index]!.AsObject();

    private static JsonObject Parameter(JsonNode body, int index) => body["Result"]!["ResultParameters"]!["ResultParameter"]![index]!.AsObject();

    private static IEnumerable<JsonNode?> Replacements() =>
    [
        null, JsonValue.Create(0), JsonValue.Create(-1), JsonValue.Create(1.5), JsonValue.Create(1e308), JsonValue.Create("0"), JsonValue.Create(""),
        JsonValue.Create("SG632NMUAB"), JsonValue.Create(new string('x', 50_000)), JsonValue.Create(true), new JsonArray(), new JsonArray(1, "a"),
        new JsonObject(), new JsonObject { ["Key"] = "Amount", ["Value"] = 1 },
    ];

    // Every property and array element, as a path of names and indexes.
    private static IEnumerable<object[]> Paths(JsonNode node, object[]? prefix = null)
    {
        prefix ??= [];
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    object[] path = [.. prefix, name];
                    yield return path;
                    if (child is not null)
                        foreach (var deeper in Paths(child, path))
                            yield return deeper;
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    object[] path = [.. prefix, i];
                    yield return path;
                    if (array[i] is { } child)
                        foreach (var deeper in Paths(child, path))
                            yield return deeper;
                }
                break;
        }
    }

    private static JsonNode Parent(JsonNode root, object[] path)
    {
        var node = root;
        foreach (var step in path[..^1])
            node = step is int i ? node[i]! : node[(string)step]!;
        return node;
    }

    private static void Replace(JsonNode root, object[] path, JsonNode? value)
    {
        var parent = Parent(root, path);
        if (path[^1] is int i) parent[i] = value; else parent[(string)path[^1]] = value;
    }

    private static void Remove(JsonNode root, object[] path)
    {
        var parent = Parent(root, path);
        if (path[^1] is int i) parent.AsArray().RemoveAt(i); else parent.AsObject().Remove((string)path[^1]);
    }

    private static JsonNode? RandomJson(Random random, int depth)
    {
        var kind = depth > 4 ? random.Next(0, 5) : random.Next(0, 7);
        switch (kind)
        {
            case 0: return null;
            case 1: return JsonValue.Create(random.Next(-5, 5) == 0 ? 0 : random.NextDouble() * random.Next());
            case 2: return JsonValue.Create(RandomName(random));
            case 3: return JsonValue.Create(random.Next(2) == 0);
            case 4: return JsonValue.Create((long)random.Next());
            case 5:
                var array = new JsonArray();
                for (var i = random.Next(0, 4); i > 0; i--) array.Add(RandomJson(random, depth + 1));
                return array;
            default:
                var obj = new JsonObject();
                for (var i = random.Next(0, 5); i > 0; i--) obj[RandomName(random)] = RandomJson(random, depth + 1);
                return obj;
        }
    }

    // Random keys drawn partly from Daraja's own names, so the parsers are led some way in.
    private static readonly string[] Names =
    [
        "Body", "stkCallback", "Result", "ResultCode", "ResultDesc", "CheckoutRequestID", "OriginatorConversationID", "CallbackMetadata",
        "Item", "Name", "Value", "ResultParameters", "ResultParameter", "Key", "TransID", "TransAmount", "MSISDN", "x",
    ];

    private static string RandomName(Random random) =>
        random.Next(3) == 0 ? Guid.NewGuid().ToString("N")[..random.Next(1, 8)] : Names[random.Next(Names.Length)];
}
