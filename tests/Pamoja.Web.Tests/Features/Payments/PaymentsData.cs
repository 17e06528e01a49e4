using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
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
