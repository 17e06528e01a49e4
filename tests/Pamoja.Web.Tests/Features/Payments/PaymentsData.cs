using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pamoja.Web.Features.Payments;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Payments;

/// A group on a PaymentsApp with a chair and members whose phones the tests choose (the
/// sandbox's scripts pick outcomes by phone number).
public sealed record PayGroup(PaymentsApp Payments, LedgerGroup G)
{
    public HttpClient Chair => G.Chair;
    public Guid GroupId => G.GroupId;
    public string Path(string rest) => $"/api/v1/groups/{GroupId}/{rest}";
}

public static class PaymentsData
{
    public static async Task<PayGroup> GroupAsync(PaymentsApp payments, string currency = "KES")
    {
        var g = await LedgerData.GroupAsync(payments.App, body: LedgerData.GroupIn(currency, "Mobile Chama"));
        return new PayGroup(payments, g);
    }

    public static async Task<(Guid MemberId, HttpClient Client, string Phone)> MemberAsync(this PayGroup g, string phone) =>
        await GroupData.AddActiveAsync(g.Payments.App, g.Chair, g.GroupId, phone: phone);

    /// POST /collections; returns the status, the body (read once: over a real socket the
    /// content can be read only once) and the payment id when there is one.
    public static async Task<(HttpStatusCode Status, string Body, Guid? PaymentId)> CollectAsync(this PayGroup g, HttpClient client, Guid memberId, long amount,
        string provider = "mpesa", string? key = null)
    {
        using var response = await client.PostAsync(g.Path("collections"), new { memberId, amount, provider }, key ?? Guid.NewGuid().ToString());
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Accepted) return (response.StatusCode, body, null);
        return (response.StatusCode, body, JsonDocument.Parse(body).RootElement.GetProperty("paymentId").GetGuid());
    }

    public static async Task<Guid> CollectOkAsync(this PayGroup g, HttpClient client, Guid memberId, long amount, string provider = "mpesa")
    {
        var (status, body, id) = await g.CollectAsync(client, memberId, amount, provider);
        Assert.True(id is not null, $"collection: {(int)status} {body}");
        return id!.Value;
    }

    /// What the member has contributed, from the balances endpoint.
    public static async Task<long> ContributedAsync(this PayGroup g, Guid memberId)
    {
        var balances = await g.Chair.GetFromJsonAsync<JsonElement>(g.Path("balances"));
        return balances.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("memberId").GetGuid() == memberId).GetProperty("contributed").GetInt64();
    }

    public static async Task AssertJournalValidAsync(this PayGroup g)
    {
        var verify = await g.Chair.GetFromJsonAsync<JsonElement>(g.Path("journal/verify"));
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());
    }

    public static Task<long> EntriesAsync(this PayGroup g, string kind) =>
        GroupData.CountAsync("SELECT count(*) FROM journal_entries WHERE group_id = $1 AND kind = $2", g.GroupId, kind);

    public static Task<long> CallbacksAsync(Guid paymentId, string status) =>
        GroupData.CountAsync("SELECT count(*) FROM provider_callbacks WHERE payment_id = $1 AND status = $2", paymentId, status);
}

/// A PaymentsApp on a database of its own. Every app's payments worker claims any due payment in
/// its database, so apps sharing one would send and check each other's payments through the
/// wrong sandbox (which answers "no such request"), and an app on a fake clock months ahead finds
/// every real-clock payment due. One database per app keeps each payment with its own sandbox.
public sealed class OwnPayments : IAsyncDisposable
{
    private OwnPayments(PaymentsApp payments, string connectionString)
    {
        Payments = payments;
        ConnectionString = connectionString;
    }

    public PaymentsApp Payments { get; }
    public string ConnectionString { get; }

    public static async Task<OwnPayments> StartAsync(IDictionary<string, string?>? sandboxSettings = null, IDictionary<string, string?>? appSettings = null,
        bool worker = true, TimeProvider? clock = null)
    {
        var cs = TestDatabase.CreateDatabase("pamoja_pay");
        var settings = new Dictionary<string, string?>
        {
            ["PAMOJA_DATABASE_URL"] = cs,
            // The sandboxes' fixed test numbers join a group in several tests of one app.
            ["RateLimits:InvitationsPerPhonePerDay"] = "1000",
        };
        foreach (var (key, value) in appSettings ?? new Dictionary<string, string?>()) settings[key] = value;
        try
        {
            return new OwnPayments(await PaymentsApp.StartAsync(sandboxSettings, settings, worker, clock), cs);
        }
        catch
        {
            TestDatabase.Drop(cs);
            throw;
        }
    }

    public Task<long> CountAsync(string sql, params object?[] args) => LedgerData.CountAsync(ConnectionString, sql, args);

    public Task<object?> ScalarAsync(string sql, params object?[] args) => LedgerData.ScalarAsync(ConnectionString, sql, args);

    public async ValueTask DisposeAsync()
    {
        await Payments.DisposeAsync();
        TestDatabase.Drop(ConnectionString);
    }
}

public static class OwnPaymentsData
{
    /// A fresh Ugandan number: MoMo's sandbox treats any number outside its tables as an ordinary
    /// payer or payee whose payments succeed.
    public static string MomoPhone() => TestData.Phone("+2567");

    /// A new group in the app's own database, with a new chair unless one is given.
    public static async Task<PayGroup> GroupAsync(this OwnPayments own, string currency = "KES", System.Text.Json.Nodes.JsonObject? body = null,
        HttpClient? chair = null) =>
        new(own.Payments, await LedgerData.GroupAsync(own.Payments.App, chair, body ?? LedgerData.GroupIn(currency, "Mobile Chama"), own.ConnectionString));

    /// Adds the person with this phone as an active member whether or not they have an account
    /// already: the sandboxes' scripted numbers are fixed, so one person may be in several groups.
    public static async Task<(Guid MemberId, HttpClient Client, string Phone)> PersonAsync(this PayGroup g, string phone)
    {
        var client = g.Payments.App.ApiClient();
        var registered = await client.PostAsJsonAsync("/api/v1/auth/register", new { phone, fullName = "Test Member", password = TestData.Password });
        Assert.True(registered.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict,
            $"register {phone}: {(int)registered.StatusCode} {await registered.Content.ReadAsStringAsync()}");
        var token = await TestData.TokenAsync(client, phone, TestData.Password);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        client.DefaultRequestHeaders.Authorization = new("Bearer", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        var added = await g.Chair.PostAsJsonAsync(g.Path("members"), new { phone });
        Assert.True(added.StatusCode == HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        var memberId = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("memberId").GetGuid();
        Assert.Equal(memberId, await GroupData.AcceptInvitationAsync(client, phone));
        return (memberId, client, phone);
    }

    /// SQL against the group's own database.
    public static Task<long> CountAsync(this PayGroup g, string sql, params object?[] args) => LedgerData.CountAsync(g.G.ConnectionString, sql, args);

    public static Task<object?> ScalarAsync(this PayGroup g, string sql, params object?[] args) => LedgerData.ScalarAsync(g.G.ConnectionString, sql, args);

    public static Task<long> EntriesOfKindAsync(this PayGroup g, string kind) =>
        g.CountAsync("SELECT count(*) FROM journal_entries WHERE group_id = $1 AND kind = $2", g.GroupId, kind);

    public static Task<long> BalanceAsync(this PayGroup g, string account) => g.CountAsync(
        "SELECT coalesce((SELECT balance FROM ledger_balances WHERE group_id = $1 AND account = $2), 0)", g.GroupId, account);

    /// The payment as the worker and callbacks left it, from the app's own database.
    public static async Task<PaymentView> PaymentAsync(this PaymentsApp payments, Guid paymentId) =>
        await payments.Service<PaymentQueries>().GetAsync(paymentId, CancellationToken.None)
        ?? throw new InvalidOperationException($"No payment {paymentId}.");
}
