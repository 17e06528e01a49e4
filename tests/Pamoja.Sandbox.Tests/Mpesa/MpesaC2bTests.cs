using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pamoja.Sandbox.Providers.Mpesa;

namespace Pamoja.Sandbox.Tests.Mpesa;

public sealed class MpesaC2bTests(FastMpesaSandbox fixture) : IClassFixture<FastMpesaSandbox>
{
    private const string RegisterPath = "/mpesa/c2b/v2/registerurl";
    private const string SimulatePath = "/mpesa/c2b/v2/simulate";

    private static int _nextShortCode = 700_000 + Random.Shared.Next(0, 1_000);

    private MpesaSandbox Sandbox => fixture.Sandbox;

    [Fact]
    public async Task RegisteringAnswersWithDarajasMisspeltOriginatorCoversationId()
    {
        using var response = await Sandbox.PostAsync(RegisterPath, RegisterBody(NewShortCode(), "Completed", Sandbox.Receiver.NewUrl(), Sandbox.Receiver.NewUrl()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await MpesaSandbox.JsonAsync(response);
        Assert.Equal(["OriginatorCoversationID", "ResponseCode", "ResponseDescription"], MpesaSandbox.Names(body));
        Assert.Equal("0", body.GetProperty("ResponseCode").GetString());
        Assert.Equal("Success", body.GetProperty("ResponseDescription").GetString());
    }

    [Fact]
    public async Task TheV1PathRegistersToo()
    {
        using var response = await Sandbox.PostAsync("/mpesa/c2b/v1/registerurl", RegisterBody(NewShortCode(), "Cancelled", Sandbox.Receiver.NewUrl(), null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("completed")]
    [InlineData("COMPLETED")]
    [InlineData("Accepted")]
    [InlineData(" Completed")]
    public async Task ResponseTypeMustBeExactlyCompletedOrCancelled(string responseType)
    {
        using var response = await Sandbox.PostAsync(RegisterPath, RegisterBody(NewShortCode(), responseType, Sandbox.Receiver.NewUrl(), null));

        await MpesaTokenTests.AssertErrorAsync(response, HttpStatusCode.BadRequest, "400.002.02", "Bad Request - Invalid ResponseType");
    }

    [Theory]
    [InlineData("/m-pesa/confirm")]
    [InlineData("/Safaricom/confirm")]
    [InlineData("/confirm?query=1")]
    public async Task UrlsWithWordsDarajaRefusesAreRefused(string path)
    {
        using var response = await Sandbox.PostAsync(RegisterPath, RegisterBody(NewShortCode(), "Completed", new Uri(Sandbox.Receiver.BaseUrl, path), null));

        await MpesaTokenTests.AssertErrorAsync(response, HttpStatusCode.BadRequest, "400.002.02", "Bad Request - Invalid ConfirmationURL");
    }

    [Fact]
    public async Task SimulatingOnAShortCodeWithNoUrlsIsRefused()
    {
        using var response = await Sandbox.PostAsync(SimulatePath, SimulateBody(NewShortCode(), MpesaScripts.Phone(), "ACC1"));

        await MpesaTokenTests.AssertErrorAsync(response, HttpStatusCode.BadRequest, "400.002.02", "Bad Request - Invalid ShortCode");
    }

    [Fact]
    public async Task AcceptedValidationIsFollowedByTheConfirmation()
    {
        var shortCode = NewShortCode();
        var validation = Sandbox.Receiver.NewUrl("validation");
        var confirmation = Sandbox.Receiver.NewUrl("confirmation");
        Sandbox.Receiver.AnswerOn(validation, 200, """{"ResultCode":"0","ResultDesc":"Accepted","ThirdPartyTransID":"PAMOJA-7"}""");
        await RegisterAsync(shortCode, "Cancelled", confirmation, validation);
        var phone = MpesaScripts.Phone();

        using var response = await Sandbox.PostAsync(SimulatePath, SimulateBody(shortCode, phone, "MWANA01", amount: 350));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ack = await MpesaSandbox.JsonAsync(response);
        Assert.Equal(["OriginatorCoversationID", "ResponseCode", "ResponseDescription"], MpesaSandbox.Names(ack));
        var validated = Assert.Single(await Sandbox.Receiver.WaitForAsync(validation)).Json();
        var confirmed = Assert.Single(await Sandbox.Receiver.WaitForAsync(confirmation)).Json();

        Assert.Equal(["TransactionType", "TransID", "TransTime", "TransAmount", "BusinessShortCode", "BillRefNumber", "InvoiceNumber",
            "OrgAccountBalance", "ThirdPartyTransID", "MSISDN", "FirstName", "MiddleName", "LastName"], MpesaSandbox.Names(validated));
        Assert.All(validated.EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
        Assert.All(confirmed.EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
        Assert.Equal("Pay Bill", validated.GetProperty("TransactionType").GetString());
        Assert.Matches("^[A-Z][A-Z0-9]{9}$", validated.GetProperty("TransID").GetString());
        Assert.Matches(@"^20\d{12}$", validated.GetProperty("TransTime").GetString());
        Assert.Equal("350.00", validated.GetProperty("TransAmount").GetString());
        Assert.Equal(shortCode, validated.GetProperty("BusinessShortCode").GetString());
        Assert.Equal("MWANA01", validated.GetProperty("BillRefNumber").GetString());
        Assert.Equal("", validated.GetProperty("OrgAccountBalance").GetString());
        var wire = MpesaScripts.Wire(phone);
        Assert.Equal($"{wire[..4]} ***** {wire[^3..]}", validated.GetProperty("MSISDN").GetString());

        Assert.Equal(validated.GetProperty("TransID").GetString(), confirmed.GetProperty("TransID").GetString());
        Assert.Equal("350.00", confirmed.GetProperty("OrgAccountBalance").GetString());
        Assert.Equal("PAMOJA-7", confirmed.GetProperty("ThirdPartyTransID").GetString());
        var transaction = Assert.Single(await Sandbox.TransactionsAsync(phone));
        Assert.Equal("accepted", transaction.GetProperty("outcome").GetString());
        Assert.True(transaction.GetProperty("moneyMoved").GetBoolean());
    }

    [Fact]
    public async Task RejectedValidationMeansNoConfirmationAndNoMoney()
    {
        var shortCode = NewShortCode();
        var validation = Sandbox.Receiver.NewUrl("validation");
        var confirmation = Sandbox.Receiver.NewUrl("confirmation");
        Sandbox.Receiver.AnswerOn(validation, 200, """{"ResultCode":"C2B00012","ResultDesc":"Rejected"}""");
        await RegisterAsync(shortCode, "Completed", confirmation, validation);
        var phone = MpesaScripts.Phone();

        using var response = await Sandbox.PostAsync(SimulatePath, SimulateBody(shortCode, phone, "NOBODY"));

        var transaction = await WaitSettledAsync(phone);
        Assert.Equal("rejected", transaction.GetProperty("outcome").GetString());
        Assert.False(transaction.GetProperty("moneyMoved").GetBoolean());
        Assert.Single(Sandbox.Receiver.On(validation));
        Assert.Empty(Sandbox.Receiver.On(confirmation));
    }

    [Theory]
    [InlineData("Completed", "accepted_by_default", true)]
    [InlineData("Cancelled", "cancelled_by_default", false)]
    public async Task AValidationThatDoesNotAnswerInTimeFallsBackToTheResponseType(string responseType, string outcome, bool confirmed)
    {
        var shortCode = NewShortCode();
        var validation = Sandbox.Receiver.NewUrl("validation");
        var confirmation = Sandbox.Receiver.NewUrl("confirmation");
        // The sandbox waits 400 ms (ValidationTimeout) for this 5 s answer.
        Sandbox.Receiver.AnswerOn(validation, 200, MpesaAccept, TimeSpan.FromSeconds(5));
        await RegisterAsync(shortCode, responseType, confirmation, validation);
        var phone = MpesaScripts.Phone();

        using var response = await Sandbox.PostAsync(SimulatePath, SimulateBody(shortCode, phone, "LATE"));

        var transaction = await WaitSettledAsync(phone);
        Assert.Equal(outcome, transaction.GetProperty("outcome").GetString());
        Assert.Equal(confirmed, transaction.GetProperty("moneyMoved").GetBoolean());
        if (confirmed)
        {
            await Sandbox.Receiver.WaitForAsync(confirmation);
        }
        else
        {
            Assert.Equal(1, transaction.GetProperty("callbacksSent").GetInt32());
            Assert.Empty(Sandbox.Receiver.On(confirmation));
        }
    }

    [Fact]
    public async Task AValidationAnswerThatIsNotJsonCountsAsNoAnswer()
    {
        var shortCode = NewShortCode();
        var validation = Sandbox.Receiver.NewUrl("validation");
        var confirmation = Sandbox.Receiver.NewUrl("confirmation");
        Sandbox.Receiver.AnswerOn(validation, 500, "<html>oops</html>");
        await RegisterAsync(shortCode, "Completed", confirmation, validation);
        var phone = MpesaScripts.Phone();

        using var response = await Sandbox.PostAsync(SimulatePath, SimulateBody(shortCode, phone, "ACC"));

        Assert.Equal("accepted_by_default", (await WaitSettledAsync(phone)).GetProperty("outcome").GetString());
        await Sandbox.Receiver.WaitForAsync(confirmation);
    }

    [Fact]
    public async Task WithoutAValidationUrlThePaymentIsConfirmedStraightAwayEachWithItsOwnTransId()
    {
        var shortCode = NewShortCode();
        var confirmation = Sandbox.Receiver.NewUrl("confirmation");
        await RegisterAsync(shortCode, "Completed", confirmation, null);
        var phone = MpesaScripts.Phone();

        for (var i = 0; i < 3; i++)
        {
            using var response = await Sandbox.PostAsync(SimulatePath, SimulateBody(shortCode, phone, "ACC" + i, amount: 100));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var posts = await Sandbox.Receiver.WaitForAsync(confirmation, 3);
        Assert.Equal(3, posts.Select(p => p.Json().GetProperty("TransID").GetString()).Distinct().Count());
        Assert.Equal(["100.00", "200.00", "300.00"], posts.Select(p => p.Json().GetProperty("OrgAccountBalance").GetString()).Order());
    }

    [Fact]
    public async Task BuyGoodsNeedsNoAccountNumber()
    {
        var shortCode = NewShortCode();
        var confirmation = Sandbox.Receiver.NewUrl("confirmation");
        await RegisterAsync(shortCode, "Completed", confirmation, null);
        var body = SimulateBody(shortCode, MpesaScripts.Phone(), "x");
        body["CommandID"] = "CustomerBuyGoodsOnline";
        body.Remove("BillRefNumber");

        using var response = await Sandbox.PostAsync(SimulatePath, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var confirmed = Assert.Single(await Sandbox.Receiver.WaitForAsync(confirmation)).Json();
        Assert.Equal("Buy Goods", confirmed.GetProperty("TransactionType").GetString());
        Assert.Equal("", confirmed.GetProperty("BillRefNumber").GetString());
    }

    [Theory]
    [InlineData("CommandID", "Deposit")]
    [InlineData("Amount", "0")]
    [InlineData("Amount", "12.5")]
    [InlineData("Msisdn", "0712345678")]
    [InlineData("BillRefNumber", null)]
    [InlineData("BillRefNumber", "ABCDEFGHIJKLMNOPQRSTU")]
    public async Task InvalidSimulationFieldsAreNamed(string field, string? value)
    {
        var shortCode = NewShortCode();
        await RegisterAsync(shortCode, "Completed", Sandbox.Receiver.NewUrl(), null);
        var body = SimulateBody(shortCode, MpesaScripts.Phone(), "ACC");
        if (value is null) body.Remove(field); else body[field] = value;

        using var response = await Sandbox.PostAsync(SimulatePath, body);

        await MpesaTokenTests.AssertErrorAsync(response, HttpStatusCode.BadRequest, "400.002.02", "Bad Request - Invalid " + field);
    }

    private const string MpesaAccept = """{"ResultCode":"0","ResultDesc":"Accepted"}""";

    private static string NewShortCode() => Interlocked.Increment(ref _nextShortCode).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task RegisterAsync(string shortCode, string responseType, Uri confirmation, Uri? validation)
    {
        using var response = await Sandbox.PostAsync(RegisterPath, RegisterBody(shortCode, responseType, confirmation, validation));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<JsonElement> WaitSettledAsync(string phone)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var transaction = (await Sandbox.TransactionsAsync(phone)).SingleOrDefault();
            if (transaction.ValueKind == JsonValueKind.Object && transaction.GetProperty("outcome").GetString() != "pending" &&
                (!transaction.GetProperty("moneyMoved").GetBoolean() || transaction.GetProperty("callbacksSent").GetInt32() >= 2))
            {
                return transaction;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("The C2B payment did not settle: " + transaction);
            }
            await Task.Delay(20);
        }
    }

    private static JsonObject RegisterBody(string shortCode, string responseType, Uri confirmation, Uri? validation)
    {
        var body = new JsonObject
        {
            ["ShortCode"] = shortCode,
            ["ResponseType"] = responseType,
            ["ConfirmationURL"] = confirmation.ToString(),
        };
        if (validation is not null) body["ValidationURL"] = validation.ToString();
        return body;
    }

    private static JsonObject SimulateBody(string shortCode, string phone, string account, long amount = 10) => new()
    {
        ["ShortCode"] = long.Parse(shortCode, System.Globalization.CultureInfo.InvariantCulture),
        ["CommandID"] = "CustomerPayBillOnline",
        ["Amount"] = amount,
        ["Msisdn"] = long.Parse(MpesaScripts.Wire(phone), System.Globalization.CultureInfo.InvariantCulture),
        ["BillRefNumber"] = account,
    };
}
