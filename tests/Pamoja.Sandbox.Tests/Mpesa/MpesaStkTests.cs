using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pamoja.Sandbox.Providers.Mpesa;

namespace Pamoja.Sandbox.Tests.Mpesa;

public sealed class MpesaStkTests(FastMpesaSandbox fixture) : IClassFixture<FastMpesaSandbox>
{
    private const string PushPath = "/mpesa/stkpush/v1/processrequest";
    private const string QueryPath = "/mpesa/stkpushquery/v1/query";

    private MpesaSandbox Sandbox => fixture.Sandbox;

    [Fact]
    public async Task AcceptedPushIsAcknowledgedThenCalledBackWithTheDocumentedShape()
    {
        var phone = MpesaScripts.Phone();
        var callbackUrl = Sandbox.Receiver.NewUrl();

        using var response = await Sandbox.PostAsync(PushPath, MpesaSandbox.StkBody(phone, callbackUrl, amount: 250));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ack = await MpesaSandbox.JsonAsync(response);
        Assert.Equal(["MerchantRequestID", "CheckoutRequestID", "ResponseCode", "ResponseDescription", "CustomerMessage"], MpesaSandbox.Names(ack));
        Assert.Matches(@"^\d+-\d+-1$", ack.GetProperty("MerchantRequestID").GetString());
        Assert.Matches(@"^ws_CO_\d{20}$", ack.GetProperty("CheckoutRequestID").GetString());
        Assert.Equal("0", ack.GetProperty("ResponseCode").GetString());
        Assert.Equal("Success. Request accepted for processing", ack.GetProperty("ResponseDescription").GetString());

        var posted = Assert.Single(await Sandbox.Receiver.WaitForAsync(callbackUrl));
        var callback = posted.Json().GetProperty("Body").GetProperty("stkCallback");
        Assert.Equal(["MerchantRequestID", "CheckoutRequestID", "ResultCode", "ResultDesc", "CallbackMetadata"], MpesaSandbox.Names(callback));
        Assert.Equal(ack.GetProperty("MerchantRequestID").GetString(), callback.GetProperty("MerchantRequestID").GetString());
        Assert.Equal(ack.GetProperty("CheckoutRequestID").GetString(), callback.GetProperty("CheckoutRequestID").GetString());
        Assert.Equal(JsonValueKind.Number, callback.GetProperty("ResultCode").ValueKind);
        Assert.Equal(0, callback.GetProperty("ResultCode").GetInt32());
        Assert.Equal("The service request is processed successfully.", callback.GetProperty("ResultDesc").GetString());

        var items = callback.GetProperty("CallbackMetadata").GetProperty("Item").EnumerateArray().ToArray();
        Assert.Equal(["Amount", "MpesaReceiptNumber", "Balance", "TransactionDate", "PhoneNumber"], items.Select(i => i.GetProperty("Name").GetString()));
        Assert.Equal("250.00", items[0].GetProperty("Value").GetRawText());
        var receipt = items[1].GetProperty("Value").GetString();
        Assert.Matches("^[A-Z][A-Z0-9]{9}$", receipt);
        Assert.False(items[2].TryGetProperty("Value", out _), "Balance comes without a Value, as real callbacks sometimes do");
        Assert.Equal(JsonValueKind.Number, items[3].GetProperty("Value").ValueKind);
        Assert.Matches(@"^20\d{12}$", items[3].GetProperty("Value").GetRawText());
        Assert.Equal(MpesaScripts.Wire(phone), items[4].GetProperty("Value").GetRawText());

        var transaction = await Sandbox.WaitForTransactionAsync(phone, ack.GetProperty("CheckoutRequestID").GetString()!, t => t.GetProperty("callbacksSent").GetInt32() == 1);
        Assert.True(transaction.GetProperty("moneyMoved").GetBoolean());
        Assert.Equal(receipt, transaction.GetProperty("receipt").GetString());
        Assert.Equal(250, transaction.GetProperty("amount").GetInt64());
        Assert.Equal(1, transaction.GetProperty("callbacksDelivered").GetInt32());
    }

    [Fact]
    public async Task NumericFieldsMayArriveAsStrings()
    {
        var phone = MpesaScripts.Phone();
        var body = MpesaSandbox.StkBody(phone, Sandbox.Receiver.NewUrl());
        body["BusinessShortCode"] = "174379";
        body["Amount"] = "10";
        body["PartyA"] = MpesaScripts.Wire(phone);
        body["PhoneNumber"] = MpesaScripts.Wire(phone);
        body["PartyB"] = "174379";

        using var response = await Sandbox.PostAsync(PushPath, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static TheoryData<string, string, string?> InvalidFields() => new()
    {
        { "BusinessShortCode", "BusinessShortCode", "600000" },
        { "BusinessShortCode", "BusinessShortCode", null },
        { "Timestamp", "Timestamp", "2021-06-28 09:24" },
        { "Timestamp", "Timestamp", "20211328092408" },
        { "Password", "Password", "bm90IHRoZSBwYXNzd29yZA==" },
        { "Password", "Password", null },
        { "TransactionType", "TransactionType", "CustomerPayBill" },
        { "Amount", "Amount", "0" },
        { "Amount", "Amount", "250001" },
        { "Amount", "Amount", "10.50" },
        { "Amount", "Amount", "ten" },
        { "PartyA", "PartyA", "0712345678" },
        { "PartyB", "PartyB", "600000" },
        { "PhoneNumber", "PhoneNumber", "254812345678" },
        { "PhoneNumber", "PhoneNumber", "2547123456789" },
        { "CallBackURL", "CallBackURL", "webhooks/mpesa/stk" },
        { "CallBackURL", "CallBackURL", "ftp://example.org/stk" },
        { "AccountReference", "AccountReference", "THIRTEENCHARS" },
        { "AccountReference", "AccountReference", null },
        { "TransactionDesc", "TransactionDesc", "Fourteen chars" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task EachInvalidFieldIsNamedInA400(string field, string expectedField, string? value)
    {
        var phone = MpesaScripts.Phone();
        var body = MpesaSandbox.StkBody(phone, Sandbox.Receiver.NewUrl());
        if (value is null)
        {
            body.Remove(field);
        }
        else
        {
            body[field] = value;
        }

        using var response = await Sandbox.PostAsync(PushPath, body);

        await MpesaTokenTests.AssertErrorAsync(response, HttpStatusCode.BadRequest, "400.002.02", "Bad Request - Invalid " + expectedField);
        Assert.Empty(await Sandbox.TransactionsAsync(phone));
    }

    [Fact]
    public async Task FractionalAmountAsANumberIsRefusedToo()
    {
        var body = MpesaSandbox.StkBody(MpesaScripts.Phone(), Sandbox.Receiver.NewUrl());
        body["Amount"] = 10.5m;

        using var response = await Sandbox.PostAsync(PushPath, body);

        await MpesaTokenTests.AssertErrorAsync(response, HttpStatusCode.BadRequest, "400.002.02", "Bad Request - Invalid Amount");
    }

    [Theory]
    [InlineData("not json", "application/json")]
    [InlineData("[1,2,3]", "application/json")]
    [InlineData("{}", "text/plain")]
    public async Task ABodyThatIsNotAJsonObjectIsAnInvalidPayload(string body, string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, PushPath) { Content = new StringContent(body, System.Text.Encoding.UTF8, contentType) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await Sandbox.TokenAsync());

        using var response = await Sandbox.Client.SendAsync(request);

        await MpesaTokenTests.AssertErrorAsync(response, HttpStatusCode.BadRequest, "400.002.05", "Invalid request payload");
    }

    [Fact]
    public async Task QueryAfterTheOutcomeGivesResultCodeAsAString()
    {
        var phone = MpesaScripts.Phone();
        var checkout = await PushAsync(phone, Sandbox.Receiver.NewUrl());

        var answer = await QueryUntilDecidedAsync(checkout);

        Assert.Equal(["ResponseCode", "ResponseDescription", "MerchantRequestID", "CheckoutRequestID", "ResultCode", "ResultDesc"], MpesaSandbox.Names(answer));
        Assert.Equal(JsonValueKind.String, answer.GetProperty("ResultCode").ValueKind);
        Assert.Equal("0", answer.GetProperty("ResultCode").GetString());
        Assert.Equal("0", answer.GetProperty("ResponseCode").GetString());
        Assert.Equal(checkout, answer.GetProperty("CheckoutRequestID").GetString());
    }

    [Fact]
    public async Task QueryForAnUnknownCheckoutRequestIdIsAnError()
    {
        using var response = await Sandbox.PostAsync(QueryPath, MpesaSandbox.StkQueryBody("ws_CO_000000000000000000"));

        await MpesaTokenTests.AssertErrorAsync(response, HttpStatusCode.BadRequest, "400.002.02", "Bad Request - Invalid CheckoutRequestID");
    }

    [Fact]
    public async Task QueryWithAWrongPasswordIsRefused()
    {
        var body = MpesaSandbox.StkQueryBody("ws_CO_000000000000000000");
        body["Password"] = MpesaSandbox.Password(body["Timestamp"]!.GetValue<string>(), passkey: "wrong");

        using var response = await Sandbox.PostAsync(QueryPath, body);

        await MpesaTokenTests.AssertErrorAsync(response, HttpStatusCode.BadRequest, "400.002.02", "Bad Request - Invalid Password");
    }

    [Theory]
    [InlineData(MpesaScripts.InsufficientFunds, 1, "The balance is insufficient for the transaction.")]
    [InlineData(MpesaScripts.Cancelled, 1032, "Request cancelled by user")]
    [InlineData(MpesaScripts.WrongPin, 2001, "The initiator information is invalid.")]
    public async Task FailingScriptsCallBackTheirCodeWithoutMetadataAndMoveNothing(string suffix, int code, string desc)
    {
        var phone = MpesaScripts.Phone(suffix);
        var callbackUrl = Sandbox.Receiver.NewUrl();
        var checkout = await PushAsync(phone, callbackUrl);

        var callback = Assert.Single(await Sandbox.Receiver.WaitForAsync(callbackUrl)).Json().GetProperty("Body").GetProperty("stkCallback");

        Assert.Equal(["MerchantRequestID", "CheckoutRequestID", "ResultCode", "ResultDesc"], MpesaSandbox.Names(callback));
        Assert.Equal(code, callback.GetProperty("ResultCode").GetInt32());
        Assert.Equal(desc, callback.GetProperty("ResultDesc").GetString());
        var query = await QueryUntilDecidedAsync(checkout);
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), query.GetProperty("ResultCode").GetString());
        var transaction = Assert.Single(await Sandbox.TransactionsAsync(phone));
        Assert.False(transaction.GetProperty("moneyMoved").GetBoolean());
        Assert.Equal(JsonValueKind.Null, transaction.GetProperty("receipt").ValueKind);
    }

    [Fact]
    public async Task UnreachablePhoneNeverCallsBackAndTheQueryAnswers1037OnceThePromptExpires()
    {
        var phone = MpesaScripts.Phone(MpesaScripts.Unreachable);
        var callbackUrl = Sandbox.Receiver.NewUrl();
        var checkout = await PushAsync(phone, callbackUrl);

        // Pending for the prompt's life (StkExpiry, 400 ms here), then 1037.
        using (var pending = await Sandbox.PostAsync(QueryPath, MpesaSandbox.StkQueryBody(checkout)))
        {
            Assert.Equal("500.001.1001", (await MpesaSandbox.JsonAsync(pending)).GetProperty("errorCode").GetString());
        }
        var answer = await QueryUntilDecidedAsync(checkout);

        Assert.Equal("1037", answer.GetProperty("ResultCode").GetString());
        Assert.Equal("DS timeout user cannot be reached", answer.GetProperty("ResultDesc").GetString());
        var transaction = Assert.Single(await Sandbox.TransactionsAsync(phone));
        Assert.False(transaction.GetProperty("moneyMoved").GetBoolean());
        Assert.Equal(0, transaction.GetProperty("callbacksSent").GetInt32());
        Assert.Empty(Sandbox.Receiver.On(callbackUrl));
    }

    [Fact]
    public async Task DuplicateScriptDeliversTheSameCallbackFiveTimes()
    {
        var phone = MpesaScripts.Phone(MpesaScripts.DuplicateCallbacks);
        var callbackUrl = Sandbox.Receiver.NewUrl();
        var checkout = await PushAsync(phone, callbackUrl);

        var posts = await Sandbox.Receiver.WaitForAsync(callbackUrl, MpesaScripts.DuplicateDeliveries);

        Assert.Equal(MpesaScripts.DuplicateDeliveries, posts.Length);
        Assert.Single(posts.Select(p => p.Body).Distinct());
        Assert.Equal(0, posts[0].Json().GetProperty("Body").GetProperty("stkCallback").GetProperty("ResultCode").GetInt32());
        var transaction = await Sandbox.WaitForTransactionAsync(phone, checkout, t => t.GetProperty("callbacksSent").GetInt32() == MpesaScripts.DuplicateDeliveries);
        Assert.True(transaction.GetProperty("moneyMoved").GetBoolean());
    }

    [Fact]
    public async Task LateCallbackComesAfterTheQueryAlreadyReportsSuccess()
    {
        var phone = MpesaScripts.Phone(MpesaScripts.LateCallback);
        var callbackUrl = Sandbox.Receiver.NewUrl();
        var checkout = await PushAsync(phone, callbackUrl);

        var answer = await QueryUntilDecidedAsync(checkout);
        Assert.Equal("0", answer.GetProperty("ResultCode").GetString());
        // Decided after 50 ms, posted after 1.5 s: the query saw it first.
        Assert.Empty(Sandbox.Receiver.On(callbackUrl));

        var posted = Assert.Single(await Sandbox.Receiver.WaitForAsync(callbackUrl));
        Assert.Equal(checkout, posted.Json().GetProperty("Body").GetProperty("stkCallback").GetProperty("CheckoutRequestID").GetString());
    }

    [Fact]
    public async Task LostCallbackIsNeverSentButTheQueryReportsSuccess()
    {
        var phone = MpesaScripts.Phone(MpesaScripts.LostCallback);
        var callbackUrl = Sandbox.Receiver.NewUrl();
        var checkout = await PushAsync(phone, callbackUrl);

        var answer = await QueryUntilDecidedAsync(checkout);

        Assert.Equal("0", answer.GetProperty("ResultCode").GetString());
        var transaction = Assert.Single(await Sandbox.TransactionsAsync(phone));
        Assert.True(transaction.GetProperty("moneyMoved").GetBoolean());
        Assert.Equal(0, transaction.GetProperty("callbacksSent").GetInt32());
        Assert.Empty(Sandbox.Receiver.On(callbackUrl));
    }

    [Fact]
    public async Task BurstNumberGets503ThreeTimesThenWorks()
    {
        var phone = MpesaScripts.Phone(MpesaScripts.ServiceUnavailableBurst);
        var callbackUrl = Sandbox.Receiver.NewUrl();

        for (var attempt = 1; attempt <= MpesaScripts.BurstLength; attempt++)
        {
            using var refused = await Sandbox.PostAsync(PushPath, MpesaSandbox.StkBody(phone, callbackUrl));
            await MpesaTokenTests.AssertErrorAsync(refused, HttpStatusCode.ServiceUnavailable, "500.003.02", "System is busy. Please try again in few minutes.");
            Assert.Empty(await Sandbox.TransactionsAsync(phone));
        }

        var checkout = await PushAsync(phone, callbackUrl);
        Assert.Single(await Sandbox.Receiver.WaitForAsync(callbackUrl));
        Assert.Equal(checkout, Assert.Single(await Sandbox.TransactionsAsync(phone)).GetProperty("id").GetString());
    }

    [Fact]
    public async Task AnUndeliverableCallbackIsCountedAsSentButNotDelivered()
    {
        var phone = MpesaScripts.Phone();
        var callbackUrl = Sandbox.Receiver.NewUrl();
        Sandbox.Receiver.AnswerOn(callbackUrl, 500, "oops");
        var checkout = await PushAsync(phone, callbackUrl);

        var transaction = await Sandbox.WaitForTransactionAsync(phone, checkout, t => t.GetProperty("callbacksSent").GetInt32() == 1);

        // Not retried: one post, refused, and that is all.
        Assert.Equal(0, transaction.GetProperty("callbacksDelivered").GetInt32());
        Assert.Single(Sandbox.Receiver.On(callbackUrl));
    }

    internal async Task<string> PushAsync(string phone, Uri callbackUrl)
    {
        using var response = await Sandbox.PostAsync(PushPath, MpesaSandbox.StkBody(phone, callbackUrl));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await MpesaSandbox.JsonAsync(response)).GetProperty("CheckoutRequestID").GetString()!;
    }

    private async Task<JsonElement> QueryUntilDecidedAsync(string checkout)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            using var response = await Sandbox.PostAsync(QueryPath, MpesaSandbox.StkQueryBody(checkout));
            var body = await MpesaSandbox.JsonAsync(response);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return body;
            }
            Assert.Equal("500.001.1001", body.GetProperty("errorCode").GetString());
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("The push stayed pending");
            }
            await Task.Delay(20);
        }
    }
}

// Pushes that stay pending for the whole test (callbacks 30 s away).
public sealed class MpesaStkPendingTests(SlowMpesaSandbox fixture) : IClassFixture<SlowMpesaSandbox>
{
    private MpesaSandbox Sandbox => fixture.Sandbox;

    [Fact]
    public async Task ASecondPushToAPhoneWithOnePendingHitsTheSubscriberLock()
    {
        var phone = MpesaScripts.Phone();
        var other = MpesaScripts.Phone();
        using (var first = await Sandbox.PostAsync("/mpesa/stkpush/v1/processrequest", MpesaSandbox.StkBody(phone, Sandbox.Receiver.NewUrl())))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var second = await Sandbox.PostAsync("/mpesa/stkpush/v1/processrequest", MpesaSandbox.StkBody(phone, Sandbox.Receiver.NewUrl(), amount: 20));

        await MpesaTokenTests.AssertErrorAsync(second, HttpStatusCode.InternalServerError, "500.001.1001",
            "Unable to lock subscriber, a transaction is already in process for the current subscriber");
        Assert.Single(await Sandbox.TransactionsAsync(phone));
        using var otherPhone = await Sandbox.PostAsync("/mpesa/stkpush/v1/processrequest", MpesaSandbox.StkBody(other, Sandbox.Receiver.NewUrl()));
        Assert.Equal(HttpStatusCode.OK, otherPhone.StatusCode);
    }

    [Fact]
    public async Task QueryWhilePendingIsTheBeingProcessedError()
    {
        using var push = await Sandbox.PostAsync("/mpesa/stkpush/v1/processrequest", MpesaSandbox.StkBody(MpesaScripts.Phone(), Sandbox.Receiver.NewUrl()));
        var checkout = (await MpesaSandbox.JsonAsync(push)).GetProperty("CheckoutRequestID").GetString()!;

        using var response = await Sandbox.PostAsync("/mpesa/stkpushquery/v1/query", MpesaSandbox.StkQueryBody(checkout));

        await MpesaTokenTests.AssertErrorAsync(response, HttpStatusCode.InternalServerError, "500.001.1001", "The transaction is being processed");
        Assert.Equal(checkout, (await MpesaSandbox.JsonAsync(response)).GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task PendingPushHasNotMovedMoney()
    {
        var phone = MpesaScripts.Phone();
        using var push = await Sandbox.PostAsync("/mpesa/stkpush/v1/processrequest", MpesaSandbox.StkBody(phone, Sandbox.Receiver.NewUrl()));

        var transaction = Assert.Single(await Sandbox.TransactionsAsync(phone));

        Assert.True(transaction.GetProperty("pending").GetBoolean());
        Assert.False(transaction.GetProperty("moneyMoved").GetBoolean());
        Assert.Equal(JsonValueKind.Null, transaction.GetProperty("resultCode").ValueKind);
    }
}
