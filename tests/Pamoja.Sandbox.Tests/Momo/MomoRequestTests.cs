using System.Net;
using Pamoja.Sandbox.Providers.Momo;

namespace Pamoja.Sandbox.Tests.Momo;

// Headers, body and idempotency of POST requesttopay / transfer and their GETs.
public sealed class MomoRequestTests(MomoSandboxFixture fixture) : IClassFixture<MomoSandboxFixture>
{
    private MomoTestSandbox Sandbox => fixture.Sandbox;

    public static TheoryData<MomoProduct> Products() => new() { MomoProduct.Collection, MomoProduct.Disbursement };

    [Theory]
    [MemberData(nameof(Products))]
    public async Task WellFormedRequestIsAcceptedWithAnEmpty202AndRecordedOnce(MomoProduct product)
    {
        var msisdn = MomoTestSandbox.FreshMsisdn();
        var id = await Sandbox.PayAsync(product, msisdn, amount: "1500");

        var transaction = await Sandbox.TransactionAsync(id);
        Assert.Equal(product.PathName(), transaction.GetProperty("product").GetString());
        Assert.Equal(product.Operation(), transaction.GetProperty("operation").GetString());
        Assert.Equal(msisdn, transaction.GetProperty("msisdn").GetString());
        Assert.Equal("1500", transaction.GetProperty("amount").GetString());
        Assert.Equal(Sandbox.ApiUser, transaction.GetProperty("apiUser").GetGuid());
    }

    [Theory]
    [MemberData(nameof(Products))]
    public async Task ReusedReferenceIdIs409AndChangesNothing(MomoProduct product)
    {
        var msisdn = MomoTestSandbox.FreshMsisdn();
        var id = await Sandbox.PayAsync(product, msisdn, amount: "100");

        // Same id, different body: MTN keys on the id alone.
        using var again = await Sandbox.Client.SendAsync(Sandbox.PaymentRequest(product, id, MomoTestSandbox.Body(product, msisdn, amount: "999")));

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var error = await MomoTestSandbox.ReadJsonAsync(again);
        Assert.Equal("RESOURCE_ALREADY_EXIST", error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        var transaction = Assert.Single(await Sandbox.TransactionsAsync($"?msisdn={msisdn}"));
        Assert.Equal("100", transaction.GetProperty("amount").GetString());
        Assert.Equal(1, transaction.GetProperty("duplicateRequests").GetInt32());
    }

    [Fact]
    public async Task ReferenceIdsAreKeptPerProduct()
    {
        var msisdn = MomoTestSandbox.FreshMsisdn();
        var id = await Sandbox.PayAsync(MomoProduct.Collection, msisdn);

        using var transfer = await Sandbox.Client.SendAsync(Sandbox.PaymentRequest(MomoProduct.Disbursement, id, MomoTestSandbox.Body(MomoProduct.Disbursement, msisdn)));

        Assert.Equal(HttpStatusCode.Accepted, transfer.StatusCode);
        Assert.Equal(2, (await Sandbox.TransactionsAsync($"?referenceId={id}")).Length);
    }

    [Theory]
    [MemberData(nameof(Products))]
    public async Task UnknownReferenceIdIs404AndMalformedIs400(MomoProduct product)
    {
        using (var unknown = await Sandbox.Client.SendAsync(Sandbox.StatusRequest(product, Guid.NewGuid().ToString())))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("RESOURCE_NOT_FOUND", (await MomoTestSandbox.ReadJsonAsync(unknown)).GetProperty("code").GetString());
        }
        using (var malformed = await Sandbox.Client.SendAsync(Sandbox.StatusRequest(product, "12345")))
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("mtnuganda")]
    [InlineData("Sandbox")]
    public async Task TargetEnvironmentMustBeSandbox(string? environment)
    {
        var id = Guid.NewGuid();
        using var post = await Sandbox.Client.SendAsync(Sandbox.PaymentRequest(MomoProduct.Collection, id,
            MomoTestSandbox.Body(MomoProduct.Collection, MomoTestSandbox.FreshMsisdn()), targetEnvironment: environment));
        Assert.Equal(HttpStatusCode.InternalServerError, post.StatusCode);
        Assert.Equal("NOT_ALLOWED_TARGET_ENVIRONMENT", (await MomoTestSandbox.ReadJsonAsync(post)).GetProperty("code").GetString());

        using var get = await Sandbox.Client.SendAsync(Sandbox.StatusRequest(MomoProduct.Collection, id.ToString(), targetEnvironment: environment));
        Assert.Equal(HttpStatusCode.InternalServerError, get.StatusCode);
        Assert.Empty(await Sandbox.TransactionsAsync($"?referenceId={id}"));
    }

    [Fact]
    public async Task MissingSubscriptionKeyIsApimsUnauthorized()
    {
        using var response = await Sandbox.Client.SendAsync(Sandbox.PaymentRequest(MomoProduct.Disbursement, Guid.NewGuid(),
            MomoTestSandbox.Body(MomoProduct.Disbursement, MomoTestSandbox.FreshMsisdn()), subscriptionKey: null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await MomoTestSandbox.ReadJsonAsync(response);
        Assert.Equal(401, body.GetProperty("statusCode").GetInt32());
        Assert.Contains("subscription key", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-uuid")]
    [InlineData("6f1c2e1a-3b7d-11ee-be56-0242ac120002")] // version 1
    [InlineData("6f1c2e1a-3b7d-41ee-7e56-0242ac120002")] // version 4 digit, wrong variant
    public async Task ReferenceIdMustBeUuidV4(string header)
    {
        using var response = await Sandbox.Client.SendAsync(Sandbox.PaymentRequest(MomoProduct.Collection, Guid.Empty,
            MomoTestSandbox.Body(MomoProduct.Collection, MomoTestSandbox.FreshMsisdn()), referenceHeader: header));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BAD_REQUEST", (await MomoTestSandbox.ReadJsonAsync(response)).GetProperty("code").GetString());
    }

    [Theory]
    [MemberData(nameof(Products))]
    public async Task PathWithTrailingSlashIsNoOperation(MomoProduct product)
    {
        using var response = await Sandbox.Client.SendAsync(Sandbox.PaymentRequest(product, Guid.NewGuid(),
            MomoTestSandbox.Body(product, MomoTestSandbox.FreshMsisdn()), path: MomoPaymentEndpoints.Path(product) + "/"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    public static TheoryData<string, string> BadBodies() => new()
    {
        { "amount as a number", """{"amount":500,"currency":"EUR","externalId":"x","payer":{"partyIdType":"MSISDN","partyId":"256772000001"}}""" },
        { "amount with a comma", """{"amount":"12,50","currency":"EUR","externalId":"x","payer":{"partyIdType":"MSISDN","partyId":"256772000001"}}""" },
        { "amount zero", """{"amount":"0.00","currency":"EUR","externalId":"x","payer":{"partyIdType":"MSISDN","partyId":"256772000001"}}""" },
        { "amount negative", """{"amount":"-5","currency":"EUR","externalId":"x","payer":{"partyIdType":"MSISDN","partyId":"256772000001"}}""" },
        { "amount missing", """{"currency":"EUR","externalId":"x","payer":{"partyIdType":"MSISDN","partyId":"256772000001"}}""" },
        { "currency missing", """{"amount":"5","externalId":"x","payer":{"partyIdType":"MSISDN","partyId":"256772000001"}}""" },
        { "externalId missing", """{"amount":"5","currency":"EUR","payer":{"partyIdType":"MSISDN","partyId":"256772000001"}}""" },
        { "payer missing", """{"amount":"5","currency":"EUR","externalId":"x"}""" },
        { "payee instead of payer", """{"amount":"5","currency":"EUR","externalId":"x","payee":{"partyIdType":"MSISDN","partyId":"256772000001"}}""" },
        { "payer an array", """{"amount":"5","currency":"EUR","externalId":"x","payer":[{"partyIdType":"MSISDN","partyId":"256772000001"}]}""" },
        { "unknown party type", """{"amount":"5","currency":"EUR","externalId":"x","payer":{"partyIdType":"PHONE","partyId":"256772000001"}}""" },
        { "MSISDN with a plus", """{"amount":"5","currency":"EUR","externalId":"x","payer":{"partyIdType":"MSISDN","partyId":"+256772000001"}}""" },
        { "note too long", """{"amount":"5","currency":"EUR","externalId":"x","payer":{"partyIdType":"MSISDN","partyId":"256772000001"},"payerMessage":"$161"}""" },
        { "apostrophe in a note", """{"amount":"5","currency":"EUR","externalId":"x","payer":{"partyIdType":"MSISDN","partyId":"256772000001"},"payeeNote":"Ng'ang'a"}""" },
        { "note a number", """{"amount":"5","currency":"EUR","externalId":"x","payer":{"partyIdType":"MSISDN","partyId":"256772000001"},"payerMessage":7}""" },
        { "not JSON", "amount=5&currency=EUR" },
        { "a JSON array", "[]" },
        { "empty", "" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task MalformedBodyIs400AndRecordsNothing(string what, string body)
    {
        var id = Guid.NewGuid();
        using var request = Sandbox.PaymentRequest(MomoProduct.Collection, id, null);
        request.Content = new StringContent(body.Replace("$161", new string('a', 161), StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json");

        using var response = await Sandbox.Client.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {response.StatusCode}");
        Assert.Equal("BAD_REQUEST", (await MomoTestSandbox.ReadJsonAsync(response)).GetProperty("code").GetString());
        Assert.Empty(await Sandbox.TransactionsAsync($"?referenceId={id}"));
    }

    [Fact]
    public async Task NoteOf160CharactersAndOtherPartyTypesAreFine()
    {
        var body = MomoTestSandbox.Body(MomoProduct.Disbursement, "member@example.org", partyIdType: "EMAIL");
        body["payeeNote"] = new string('n', 160);
        using var response = await Sandbox.Client.SendAsync(Sandbox.PaymentRequest(MomoProduct.Disbursement, Guid.NewGuid(), body));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task MalformedCurrencyIsInvalidCurrency()
    {
        using var response = await Sandbox.Client.SendAsync(Sandbox.PaymentRequest(MomoProduct.Collection, Guid.NewGuid(),
            MomoTestSandbox.Body(MomoProduct.Collection, MomoTestSandbox.FreshMsisdn(), currency: "eur")));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("INVALID_CURRENCY", (await MomoTestSandbox.ReadJsonAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task BadRequestWinsOverInvalidCurrency()
    {
        var body = MomoTestSandbox.Body(MomoProduct.Collection, "+256772000001", currency: "eur");
        using var response = await Sandbox.Client.SendAsync(Sandbox.PaymentRequest(MomoProduct.Collection, Guid.NewGuid(), body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task BodyMustBeSentAsJson()
    {
        using var request = Sandbox.PaymentRequest(MomoProduct.Collection, Guid.NewGuid(), null);
        request.Content = new StringContent(MomoTestSandbox.Body(MomoProduct.Collection, MomoTestSandbox.FreshMsisdn()).ToJsonString(),
            System.Text.Encoding.UTF8, "text/plain");
        using var response = await Sandbox.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Products))]
    public async Task CallbackHostMustMatchTheApiUsersProviderCallbackHost(MomoProduct product)
    {
        var id = Guid.NewGuid();
        using var response = await Sandbox.Client.SendAsync(Sandbox.PaymentRequest(product, id,
            MomoTestSandbox.Body(product, MomoTestSandbox.FreshMsisdn()), new Uri($"http://elsewhere.example/webhooks/momo?ref={id}")));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("INVALID_CALLBACK_URL_HOST", (await MomoTestSandbox.ReadJsonAsync(response)).GetProperty("code").GetString());
        Assert.Empty(await Sandbox.TransactionsAsync($"?referenceId={id}"));
    }

    [Fact]
    public async Task ApiUserWithoutProviderCallbackHostMayCallBackAnywhere()
    {
        var (user, key) = await Sandbox.ProvisionAsync(host: null);
        var token = await Sandbox.TokenAsync(MomoProduct.Collection, user, key);
        var id = Guid.NewGuid();

        using var response = await Sandbox.Client.SendAsync(Sandbox.PaymentRequest(MomoProduct.Collection, id,
            MomoTestSandbox.Body(MomoProduct.Collection, MomoTestSandbox.FreshMsisdn()), new Uri($"http://elsewhere.example/webhooks/momo?ref={id}"), token: token));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Products))]
    public async Task StatusShowsTheRequestAndSuccessCarriesAFinancialTransactionId(MomoProduct product)
    {
        var msisdn = MomoTestSandbox.FreshMsisdn();
        var id = await Sandbox.PayAsync(product, msisdn, amount: "12.50");

        var status = await Sandbox.WaitForFinalAsync(product, id);

        Assert.Equal("SUCCESSFUL", status.GetProperty("status").GetString());
        Assert.Equal("12.50", status.GetProperty("amount").GetString());
        Assert.Equal("EUR", status.GetProperty("currency").GetString());
        Assert.Matches("^[0-9]{6,}$", status.GetProperty("financialTransactionId").GetString());
        Assert.StartsWith("ext-", status.GetProperty("externalId").GetString(), StringComparison.Ordinal);
        var party = status.GetProperty(product.PartyField());
        Assert.Equal("MSISDN", party.GetProperty("partyIdType").GetString());
        Assert.Equal(msisdn, party.GetProperty("partyId").GetString());
        Assert.Equal("Group contribution", status.GetProperty("payerMessage").GetString());
        Assert.Equal("March", status.GetProperty("payeeNote").GetString());
        Assert.False(status.TryGetProperty("reason", out _));
        // The other product's party name is not used.
        Assert.False(status.TryGetProperty(product == MomoProduct.Collection ? "payee" : "payer", out _));

        var transaction = await Sandbox.TransactionAsync(id);
        Assert.True(transaction.GetProperty("moneyMoved").GetBoolean());
        Assert.Equal(status.GetProperty("financialTransactionId").GetString(), transaction.GetProperty("financialTransactionId").GetString());
    }

    [Fact]
    public async Task TransactionsCanBeFilteredAndRejectBadFilters()
    {
        var msisdn = MomoTestSandbox.FreshMsisdn();
        await Sandbox.PayAsync(MomoProduct.Collection, msisdn);
        await Sandbox.PayAsync(MomoProduct.Disbursement, msisdn);

        Assert.Equal(2, (await Sandbox.TransactionsAsync($"?msisdn=%2B{msisdn}")).Length);
        var transfers = await Sandbox.TransactionsAsync($"?msisdn={msisdn}&product=disbursement");
        Assert.Equal("transfer", Assert.Single(transfers).GetProperty("operation").GetString());

        using (var r = await Sandbox.Client.GetAsync(MomoSandboxApi.TransactionsPath + "?product=remittance")) Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using (var r = await Sandbox.Client.GetAsync(MomoSandboxApi.TransactionsPath + "?referenceId=nope")) Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
    }

    [Fact]
    public async Task ConcurrentRequestsWithOneReferenceIdMoveMoneyOnce()
    {
        var msisdn = MomoTestSandbox.FreshMsisdn();
        var id = Guid.NewGuid();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await Sandbox.Client.SendAsync(Sandbox.PaymentRequest(MomoProduct.Disbursement, id, MomoTestSandbox.Body(MomoProduct.Disbursement, msisdn)));
            return response.StatusCode;
        }));

        Assert.Single(responses, s => s == HttpStatusCode.Accepted);
        Assert.Equal(7, responses.Count(s => s == HttpStatusCode.Conflict));
        Assert.Equal(7, (await Sandbox.TransactionAsync(id)).GetProperty("duplicateRequests").GetInt32());
    }
}
