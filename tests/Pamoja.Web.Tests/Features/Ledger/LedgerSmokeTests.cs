using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Ledger;

public sealed class LedgerSmokeTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Contribution_balance_journal_verify_reverse_statement()
    {
        var chair = _app.ApiClient();
        await TestData.SignedInAsync(chair);
        var groupId = await GroupData.CreateAsync(chair);
        var (memberId, _, _) = await GroupData.AddActiveAsync(_app, chair, groupId);

        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/groups/{groupId}/contributions")
        {
            Content = JsonContent.Create(new { memberId, amount = 150000, method = "mpesa", reference = "QKJ3X7Y8Z9" }),
            Headers = { { "Idempotency-Key", "k1" } },
        };
        var first = await chair.SendAsync(request);
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.True(first.StatusCode == HttpStatusCode.Created, firstBody + _app.Logs.Errors());
        var again = await chair.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/groups/{groupId}/contributions")
        {
            Content = JsonContent.Create(new { memberId, amount = 150000, method = "mpesa", reference = "QKJ3X7Y8Z9" }),
            Headers = { { "Idempotency-Key", "k1" } },
        });
        Assert.Equal(firstBody, await again.Content.ReadAsStringAsync());

        var balances = await chair.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/balances");
        Assert.Equal(150000, balances.GetProperty("pool").GetInt64());
        var verify = await chair.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/journal/verify");
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());
        var entryId = JsonDocument.Parse(firstBody).RootElement.GetProperty("entryId").GetGuid();
        var reversed = await chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/journal/{entryId}/reverse", new { reason = "wrong member" });
        Assert.True(reversed.StatusCode == HttpStatusCode.Created, await reversed.Content.ReadAsStringAsync() + _app.Logs.Errors());
        var journal = await chair.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/journal");
        Assert.Equal(2, journal.GetArrayLength());
        verify = await chair.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/journal/verify");
        Assert.True(verify.GetProperty("valid").GetBoolean(), verify.ToString());
        var statement = await chair.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/statement?memberId={memberId}");
        Assert.Equal(2, statement.GetProperty("entries").GetArrayLength());
        var csvRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/groups/{groupId}/statement") { Headers = { { "Accept", "text/csv" } } };
        var csv = await (await chair.SendAsync(csvRequest)).Content.ReadAsStringAsync();
        Assert.StartsWith("seq,posted_at", csv, StringComparison.Ordinal);
    }
}
