using System.Net;
using System.Text.Json;
using Pamoja.Sandbox.Providers.Mpesa;

namespace Pamoja.Sandbox.Tests.Mpesa;

public sealed class MpesaTransactionStatusTests(FastMpesaSandbox fixture) : IClassFixture<FastMpesaSandbox>
{
    private const string StatusPath = "/mpesa/transactionstatus/v1/query";

    private MpesaSandbox Sandbox => fixture.Sandbox;

    [Fact]
    public async Task APaidPayoutIsReportedCompletedWithItsReceiptAndAmount()
    {
        var phone = MpesaScripts.Phone(MpesaScripts.LostCallback);
        var payout = await Sandbox.B2cBodyAsync(phone, Sandbox.Receiver.NewUrl(), amount: 750);
        var originator = payout["OriginatorConversationID"]!.GetValue<string>();
        using (var response = await Sandbox.PostAsync("/mpesa/b2c/v3/paymentrequest", payout)) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paid = await Sandbox.WaitForTransactionAsync(phone, originator, t => t.GetProperty("moneyMoved").GetBoolean());
        var statusUrl = Sandbox.Receiver.NewUrl("status");

        using var ack = await Sandbox.PostAsync(StatusPath, await Sandbox.StatusBodyAsync(statusUrl, originalConversationId: originator, occasion: originator));

        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var sync = await MpesaSandbox.JsonAsync(ack);
        Assert.Equal(["OriginatorConversationID", "ConversationID", "ResponseCode", "ResponseDescription"], MpesaSandbox.Names(sync));
        Assert.Equal("0", sync.GetProperty("ResponseCode").GetString());

        var result = Assert.Single(await Sandbox.Receiver.WaitForAsync(statusUrl)).Json().GetProperty("Result");
        Assert.Equal(0, result.GetProperty("ResultCode").GetInt32());
        Assert.Equal(sync.GetProperty("OriginatorConversationID").GetString(), result.GetProperty("OriginatorConversationID").GetString());
        Assert.Equal(sync.GetProperty("ConversationID").GetString(), result.GetProperty("ConversationID").GetString());
        Assert.Equal(paid.GetProperty("receipt").GetString(), result.GetProperty("TransactionID").GetString());
        var parameters = Parameters(result);
        Assert.Equal(originator, parameters["OriginatorConversationID"].GetString());
        Assert.Equal("Completed", parameters["TransactionStatus"].GetString());
        Assert.Equal(paid.GetProperty("receipt").GetString(), parameters["ReceiptNo"].GetString());
        Assert.Equal(750m, parameters["Amount"].GetDecimal());
        Assert.Equal(paid.GetProperty("conversationId").GetString(), parameters["ConversationID"].GetString());
        Assert.Equal(JsonValueKind.Number, parameters["InitiatedTime"].ValueKind);
        Assert.Equal(JsonValueKind.Undefined, parameters["TransactionReason"].ValueKind);
        var occasion = result.GetProperty("ReferenceData").GetProperty("ReferenceItem");
        Assert.Equal("Occasion", occasion.GetProperty("Key").GetString());
        Assert.Equal(originator, occasion.GetProperty("Value").GetString());
    }

    [Fact]
    public async Task AnIdMpesaNeverSawGetsANotFoundResultThatStillEchoesTheOccasion()
    {
        var statusUrl = Sandbox.Receiver.NewUrl("status");
        var unknown = "pamoja-" + Guid.NewGuid().ToString("N") + "-1";

        using var ack = await Sandbox.PostAsync(StatusPath, await Sandbox.StatusBodyAsync(statusUrl, originalConversationId: unknown, occasion: unknown));

        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var result = Assert.Single(await Sandbox.Receiver.WaitForAsync(statusUrl)).Json().GetProperty("Result");
        Assert.Equal(["ResultType", "ResultCode", "ResultDesc", "OriginatorConversationID", "ConversationID", "TransactionID", "ReferenceData"],
            MpesaSandbox.Names(result));
        Assert.Equal(JsonValueKind.String, result.GetProperty("ResultCode").ValueKind);
        Assert.Equal(MpesaTransactionStatusEndpoint.NotFoundCode, result.GetProperty("ResultCode").GetString());
        Assert.Equal(unknown, result.GetProperty("ReferenceData").GetProperty("ReferenceItem").GetProperty("Value").GetString());
    }

    [Fact]
    public async Task WithoutAnOccasionTheReferenceItemHasNoValue()
    {
        var statusUrl = Sandbox.Receiver.NewUrl("status");

        using var ack = await Sandbox.PostAsync(StatusPath, await Sandbox.StatusBodyAsync(statusUrl, transactionId: "SXX0000000"));

        var result = Assert.Single(await Sandbox.Receiver.WaitForAsync(statusUrl)).Json().GetProperty("Result");
        Assert.Equal(["Key"], MpesaSandbox.Names(result.GetProperty("ReferenceData").GetProperty("ReferenceItem")));
    }

    [Fact]
    public async Task AFailedPayoutIsReportedFailed()
    {
        var phone = MpesaScripts.Phone(MpesaScripts.InsufficientFunds);
        var resultUrl = Sandbox.Receiver.NewUrl();
        var payout = await Sandbox.B2cBodyAsync(phone, resultUrl);
        using (var response = await Sandbox.PostAsync("/mpesa/b2c/v3/paymentrequest", payout)) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Sandbox.Receiver.WaitForAsync(resultUrl);
        var statusUrl = Sandbox.Receiver.NewUrl("status");

        using var ack = await Sandbox.PostAsync(StatusPath, await Sandbox.StatusBodyAsync(statusUrl, originalConversationId: payout["OriginatorConversationID"]!.GetValue<string>()));

        var result = Assert.Single(await Sandbox.Receiver.WaitForAsync(statusUrl)).Json().GetProperty("Result");
        Assert.Equal(0, result.GetProperty("ResultCode").GetInt32());
        var parameters = Parameters(result);
        Assert.Equal("Failed", parameters["TransactionStatus"].GetString());
        Assert.Equal("The balance is insufficient for the transaction.", parameters["TransactionReason"].GetString());
    }

    [Fact]
    public async Task AnStkPaymentCanBeLookedUpByItsReceipt()
    {
        var phone = MpesaScripts.Phone();
        var callbackUrl = Sandbox.Receiver.NewUrl();
        using (var push = await Sandbox.PostAsync("/mpesa/stkpush/v1/processrequest", MpesaSandbox.StkBody(phone, callbackUrl, amount: 42))) Assert.Equal(HttpStatusCode.OK, push.StatusCode);
        var callback = Assert.Single(await Sandbox.Receiver.WaitForAsync(callbackUrl)).Json();
        var receipt = callback.GetProperty("Body").GetProperty("stkCallback").GetProperty("CallbackMetadata").GetProperty("Item")[1].GetProperty("Value").GetString()!;
        var statusUrl = Sandbox.Receiver.NewUrl("status");

        using var ack = await Sandbox.PostAsync(StatusPath, await Sandbox.StatusBodyAsync(statusUrl, transactionId: receipt));

        var parameters = Parameters(Assert.Single(await Sandbox.Receiver.WaitForAsync(statusUrl)).Json().GetProperty("Result"));
        Assert.Equal("Completed", parameters["TransactionStatus"].GetString());
        Assert.Equal(receipt, parameters["ReceiptNo"].GetString());
        Assert.Equal(42m, parameters["Amount"].GetDecimal());
    }

    [Fact]
    public async Task AQueryWithAWrongCredentialFailsWith2001AndSaysNothingAboutTheTransaction()
    {
        var statusUrl = Sandbox.Receiver.NewUrl("status");
        var body = await Sandbox.StatusBodyAsync(statusUrl, originalConversationId: "anything");
        body["SecurityCredential"] = await Sandbox.CredentialAsync("not-the-password");

        using var ack = await Sandbox.PostAsync(StatusPath, body);

        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var result = Assert.Single(await Sandbox.Receiver.WaitForAsync(statusUrl)).Json().GetProperty("Result");
        Assert.Equal(2001, result.GetProperty("ResultCode").GetInt32());
        Assert.False(result.TryGetProperty("ResultParameters", out _));
    }

    [Theory]
    [InlineData("CommandID", "Status", "CommandID")]
    [InlineData("IdentifierType", "3", "IdentifierType")]
    [InlineData("Remarks", null, "Remarks")]
    [InlineData("ResultURL", "/relative", "ResultURL")]
    [InlineData("OriginalConversationID", null, "TransactionID")]
    public async Task InvalidFieldsAreNamed(string field, string? value, string named)
    {
        var body = await Sandbox.StatusBodyAsync(Sandbox.Receiver.NewUrl("status"), originalConversationId: "x");
        if (value is null) body.Remove(field); else body[field] = value;

        using var response = await Sandbox.PostAsync(StatusPath, body);

        await MpesaTokenTests.AssertErrorAsync(response, HttpStatusCode.BadRequest, "400.002.02", "Bad Request - Invalid " + named);
    }

    private static Dictionary<string, JsonElement> Parameters(JsonElement result) =>
        result.GetProperty("ResultParameters").GetProperty("ResultParameter").EnumerateArray()
            .ToDictionary(p => p.GetProperty("Key").GetString()!, p => p.TryGetProperty("Value", out var v) ? v : default);
}
