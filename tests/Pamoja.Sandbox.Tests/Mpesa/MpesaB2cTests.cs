using System.Globalization;
using System.Net;
using System.Text.Json;
using Pamoja.Sandbox.Providers.Mpesa;

namespace Pamoja.Sandbox.Tests.Mpesa;

public sealed class MpesaB2cTests(FastMpesaSandbox fixture) : IClassFixture<FastMpesaSandbox>
{
    private const string V3 = "/mpesa/b2c/v3/paymentrequest";

    private MpesaSandbox Sandbox => fixture.Sandbox;

    [Fact]
    public async Task AcceptedPayoutIsAcknowledgedThenItsResultPostedWithTheDocumentedShape()
    {
        var phone = MpesaScripts.Phone();
        var resultUrl = Sandbox.Receiver.NewUrl();
        var body = await Sandbox.B2cBodyAsync(phone, resultUrl, amount: 1500);
        var originator = body["OriginatorConversationID"]!.GetValue<string>();

        using var response = await Sandbox.PostAsync(V3, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ack = await MpesaSandbox.JsonAsync(response);
        Assert.Equal(["ConversationID", "OriginatorConversationID", "ResponseCode", "ResponseDescription"], MpesaSandbox.Names(ack));
        Assert.Matches("^AG_\\d{8}_[0-9a-f]{20}$", ack.GetProperty("ConversationID").GetString());
        Assert.Equal(originator, ack.GetProperty("OriginatorConversationID").GetString());
        Assert.Equal("0", ack.GetProperty("ResponseCode").GetString());
        Assert.Equal("Accept the service request successfully.", ack.GetProperty("ResponseDescription").GetString());

        var result = Assert.Single(await Sandbox.Receiver.WaitForAsync(resultUrl)).Json().GetProperty("Result");
        Assert.Equal(["ResultType", "ResultCode", "ResultDesc", "OriginatorConversationID", "ConversationID", "TransactionID", "ResultParameters", "ReferenceData"],
            MpesaSandbox.Names(result));
        Assert.Equal(0, result.GetProperty("ResultType").GetInt32());
        Assert.Equal(JsonValueKind.Number, result.GetProperty("ResultCode").ValueKind);
        Assert.Equal(0, result.GetProperty("ResultCode").GetInt32());
        Assert.Equal(originator, result.GetProperty("OriginatorConversationID").GetString());
        Assert.Equal(ack.GetProperty("ConversationID").GetString(), result.GetProperty("ConversationID").GetString());
        var receipt = result.GetProperty("TransactionID").GetString();
        Assert.Matches("^[A-Z][A-Z0-9]{9}$", receipt);

        var parameters = result.GetProperty("ResultParameters").GetProperty("ResultParameter").EnumerateArray()
            .ToDictionary(p => p.GetProperty("Key").GetString()!, p => p.GetProperty("Value"));
        Assert.Equal(["TransactionAmount", "TransactionReceipt", "ReceiverPartyPublicName", "TransactionCompletedDateTime",
            "B2CUtilityAccountAvailableFunds", "B2CWorkingAccountAvailableFunds", "B2CRecipientIsRegisteredCustomer", "B2CChargesPaidAccountAvailableFunds"],
            parameters.Keys);
        Assert.Equal(1500, parameters["TransactionAmount"].GetInt64());
        Assert.Equal(receipt, parameters["TransactionReceipt"].GetString());
        Assert.True(DateTime.TryParseExact(parameters["TransactionCompletedDateTime"].GetString(), "dd.MM.yyyy HH:mm:ss", CultureInfo.InvariantCulture,
            DateTimeStyles.None, out _));
        Assert.Equal("Y", parameters["B2CRecipientIsRegisteredCustomer"].GetString());
        var reference = result.GetProperty("ReferenceData").GetProperty("ReferenceItem");
        Assert.Equal("QueueTimeoutURL", reference.GetProperty("Key").GetString());
        Assert.Equal(body["QueueTimeOutURL"]!.GetValue<string>(), reference.GetProperty("Value").GetString());

        var transaction = await Sandbox.WaitForTransactionAsync(phone, originator, t => t.GetProperty("callbacksSent").GetInt32() == 1);
        Assert.True(transaction.GetProperty("moneyMoved").GetBoolean());
        Assert.Equal(receipt, transaction.GetProperty("receipt").GetString());
    }

    [Fact]
    public async Task V1PathTakesNoOriginatorConversationIdAndMakesOneUp()
    {
        var phone = MpesaScripts.Phone();
        var body = await Sandbox.B2cBodyAsync(phone, Sandbox.Receiver.NewUrl());
        body.Remove("OriginatorConversationID");

        using var response = await Sandbox.PostAsync("/mpesa/b2c/v1/paymentrequest", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var generated = (await MpesaSandbox.JsonAsync(response)).GetProperty("OriginatorConversationID").GetString();
        Assert.Matches(@"^\d+-\d+-1$", generated);
        Assert.Equal(generated, Assert.Single(await Sandbox.TransactionsAsync(phone)).GetProperty("id").GetString());
    }

    public static TheoryData<string, string?> InvalidFields() => new()
    {
        { "OriginatorConversationID", null },
        { "InitiatorName", null },
        { "SecurityCredential", null },
        { "CommandID", "PayMember" },
        { "CommandID", null },
        { "Amount", "9" },
        { "Amount", "250001" },
        { "Amount", "100.5" },
        { "PartyA", "174379" },
        { "PartyB", "0712345678" },
        { "PartyB", "255712345678" },
        { "Remarks", "x" },
        { "Remarks", new string('r', 101) },
        { "QueueTimeOutURL", "not a url" },
        { "ResultURL", null },
        { "Occassion", new string('o', 101) },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task EachInvalidFieldIsNamedInA400AndNothingIsPaid(string field, string? value)
    {
        var phone = MpesaScripts.Phone();
        var body = await Sandbox.B2cBodyAsync(phone, Sandbox.Receiver.NewUrl());
        if (value is null)
        {
            body.Remove(field);
        }
        else
        {
            body[field] = value;
        }

        using var response = await Sandbox.PostAsync(V3, body);

        await MpesaTokenTests.AssertErrorAsync(response, HttpStatusCode.BadRequest, "400.002.02", "Bad Request - Invalid " + field);
        Assert.Empty(await Sandbox.TransactionsAsync(phone));
    }

    [Fact]
    public async Task DuplicateOriginatorConversationIdIsRefusedAndPaysNothingMore()
    {
        var phone = MpesaScripts.Phone();
        var resultUrl = Sandbox.Receiver.NewUrl();
        var body = await Sandbox.B2cBodyAsync(phone, resultUrl, amount: 500);
        var originator = body["OriginatorConversationID"]!.GetValue<string>();
        using (var first = await Sandbox.PostAsync(V3, body))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        // The same id again, even with another amount: refused, whatever else it says.
        body["Amount"] = 900;
        using var again = await Sandbox.PostAsync(V3, body);

        await MpesaTokenTests.AssertErrorAsync(again, HttpStatusCode.InternalServerError, "500.002.1001", "Duplicate OriginatorConversationID.");
        await Sandbox.Receiver.WaitForAsync(resultUrl);
        var transaction = await Sandbox.WaitForTransactionAsync(phone, originator, t => t.GetProperty("moneyMoved").GetBoolean());
        Assert.Single(await Sandbox.TransactionsAsync(phone));
        Assert.Equal(500, transaction.GetProperty("amount").GetInt64());
        Assert.Single(Sandbox.Receiver.On(resultUrl));
    }

    public static TheoryData<string, string> WrongCredentials() => new()
    {
        { "testapi", "Wrong-password" },
        { "someone-else", MpesaSandbox.InitiatorPassword },
    };

    [Theory]
    [MemberData(nameof(WrongCredentials))]
    public async Task WrongInitiatorDetailsAreAcceptedThenFailWith2001(string initiator, string password)
    {
        var phone = MpesaScripts.Phone();
        var resultUrl = Sandbox.Receiver.NewUrl();
        var body = await Sandbox.B2cBodyAsync(phone, resultUrl);
        body["InitiatorName"] = initiator;
        body["SecurityCredential"] = await Sandbox.CredentialAsync(password);

        using var response = await Sandbox.PostAsync(V3, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AssertFailedResultAsync(resultUrl, 2001, "The initiator information is invalid.");
        Assert.False(Assert.Single(await Sandbox.TransactionsAsync(phone)).GetProperty("moneyMoved").GetBoolean());
    }

    [Fact]
    public async Task ACredentialThatIsNotEvenBase64IsJustWrong()
    {
        var phone = MpesaScripts.Phone();
        var resultUrl = Sandbox.Receiver.NewUrl();
        var body = await Sandbox.B2cBodyAsync(phone, resultUrl);
        body["SecurityCredential"] = "plain text password!";

        using var response = await Sandbox.PostAsync(V3, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AssertFailedResultAsync(resultUrl, 2001, "The initiator information is invalid.");
    }

    [Theory]
    [InlineData(MpesaScripts.InsufficientFunds, 1, "The balance is insufficient for the transaction.")]
    [InlineData(MpesaScripts.WrongPin, 2001, "The initiator information is invalid.")]
    public async Task FailingScriptsPostAResultWithoutParameters(string suffix, int code, string desc)
    {
        var phone = MpesaScripts.Phone(suffix);
        var resultUrl = Sandbox.Receiver.NewUrl();

        using var response = await Sandbox.PostAsync(V3, await Sandbox.B2cBodyAsync(phone, resultUrl));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AssertFailedResultAsync(resultUrl, code, desc);
        var transaction = Assert.Single(await Sandbox.TransactionsAsync(phone));
        Assert.False(transaction.GetProperty("moneyMoved").GetBoolean());
        Assert.Equal(JsonValueKind.Null, transaction.GetProperty("receipt").ValueKind);
    }

    [Theory]
    [InlineData(MpesaScripts.Cancelled)]
    [InlineData(MpesaScripts.Unreachable)]
    public async Task StkOnlyScriptsPayNormallyOnB2c(string suffix)
    {
        var phone = MpesaScripts.Phone(suffix);
        var resultUrl = Sandbox.Receiver.NewUrl();

        using var response = await Sandbox.PostAsync(V3, await Sandbox.B2cBodyAsync(phone, resultUrl));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = Assert.Single(await Sandbox.Receiver.WaitForAsync(resultUrl)).Json().GetProperty("Result");
        Assert.Equal(0, result.GetProperty("ResultCode").GetInt32());
    }

    [Fact]
    public async Task DuplicateScriptPostsTheSameResultFiveTimesButPaysOnce()
    {
        var phone = MpesaScripts.Phone(MpesaScripts.DuplicateCallbacks);
        var resultUrl = Sandbox.Receiver.NewUrl();

        using var response = await Sandbox.PostAsync(V3, await Sandbox.B2cBodyAsync(phone, resultUrl));

        var posts = await Sandbox.Receiver.WaitForAsync(resultUrl, MpesaScripts.DuplicateDeliveries);
        Assert.Single(posts.Select(p => p.Body).Distinct());
        var transaction = Assert.Single(await Sandbox.TransactionsAsync(phone));
        Assert.True(transaction.GetProperty("moneyMoved").GetBoolean());
    }

    [Fact]
    public async Task LostResultIsNeverPostedButThePayoutIsMade()
    {
        var phone = MpesaScripts.Phone(MpesaScripts.LostCallback);
        var body = await Sandbox.B2cBodyAsync(phone, Sandbox.Receiver.NewUrl());

        using var response = await Sandbox.PostAsync(V3, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var transaction = await Sandbox.WaitForTransactionAsync(phone, body["OriginatorConversationID"]!.GetValue<string>(),
            t => t.GetProperty("moneyMoved").GetBoolean());
        Assert.Equal(0, transaction.GetProperty("callbacksSent").GetInt32());
    }

    [Fact]
    public async Task LateResultComesAfterThePayoutIsMade()
    {
        var phone = MpesaScripts.Phone(MpesaScripts.LateCallback);
        var resultUrl = Sandbox.Receiver.NewUrl();
        var body = await Sandbox.B2cBodyAsync(phone, resultUrl);

        using var response = await Sandbox.PostAsync(V3, body);

        var originator = body["OriginatorConversationID"]!.GetValue<string>();
        await Sandbox.WaitForTransactionAsync(phone, originator, t => t.GetProperty("moneyMoved").GetBoolean());
        Assert.Empty(Sandbox.Receiver.On(resultUrl));
        Assert.Single(await Sandbox.Receiver.WaitForAsync(resultUrl));
    }

    [Fact]
    public async Task BurstNumberGets503ThreeTimesAndNothingIsPaidUntilItWorks()
    {
        var phone = MpesaScripts.Phone(MpesaScripts.ServiceUnavailableBurst);
        var resultUrl = Sandbox.Receiver.NewUrl();
        var body = await Sandbox.B2cBodyAsync(phone, resultUrl);

        for (var attempt = 1; attempt <= MpesaScripts.BurstLength; attempt++)
        {
            using var refused = await Sandbox.PostAsync(V3, body);
            await MpesaTokenTests.AssertErrorAsync(refused, HttpStatusCode.ServiceUnavailable, "500.003.02", "System is busy. Please try again in few minutes.");
        }
        Assert.Empty(await Sandbox.TransactionsAsync(phone));

        // The same id is still new: the 503s never reached the duplicate check.
        using var accepted = await Sandbox.PostAsync(V3, body);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await Sandbox.Receiver.WaitForAsync(resultUrl);
    }

    [Fact]
    public async Task AmbiguousPayoutIsPaidAtOnceButAnsweredOnlyAfterTheClientHasGivenUp()
    {
        var phone = MpesaScripts.Phone(MpesaScripts.Ambiguous);
        var resultUrl = Sandbox.Receiver.NewUrl();
        var body = await Sandbox.B2cBodyAsync(phone, resultUrl);
        using var impatient = new HttpClient { BaseAddress = Sandbox.Client.BaseAddress, Timeout = TimeSpan.FromMilliseconds(500) };
        using var request = new HttpRequestMessage(HttpMethod.Post, V3) { Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await Sandbox.TokenAsync());

        // AmbiguousDelay is 30 s in this sandbox: the client times out first.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient.SendAsync(request));

        var transaction = Assert.Single(await Sandbox.TransactionsAsync(phone));
        Assert.True(transaction.GetProperty("moneyMoved").GetBoolean());
        Assert.Equal(0, transaction.GetProperty("callbacksSent").GetInt32());
        Assert.Empty(Sandbox.Receiver.On(resultUrl));
    }

    [Fact]
    public async Task AmbiguousPayoutAnswersNormallyToAPatientClient()
    {
        await using var sandbox = await MpesaSandbox.StartAsync(new Dictionary<string, string> { ["Mpesa:AmbiguousDelay"] = "00:00:00.200" });
        var phone = MpesaScripts.Phone(MpesaScripts.Ambiguous);
        var resultUrl = sandbox.Receiver.NewUrl();

        using var response = await sandbox.PostAsync(V3, await sandbox.B2cBodyAsync(phone, resultUrl));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("0", (await MpesaSandbox.JsonAsync(response)).GetProperty("ResponseCode").GetString());
        Assert.True(Assert.Single(await sandbox.TransactionsAsync(phone)).GetProperty("moneyMoved").GetBoolean());
        Assert.Empty(sandbox.Receiver.On(resultUrl));
    }

    private async Task AssertFailedResultAsync(Uri resultUrl, int code, string desc)
    {
        var result = Assert.Single(await Sandbox.Receiver.WaitForAsync(resultUrl)).Json().GetProperty("Result");
        Assert.Equal(["ResultType", "ResultCode", "ResultDesc", "OriginatorConversationID", "ConversationID", "TransactionID", "ReferenceData"],
            MpesaSandbox.Names(result));
        Assert.Equal(code, result.GetProperty("ResultCode").GetInt32());
        Assert.Equal(desc, result.GetProperty("ResultDesc").GetString());
    }
}
