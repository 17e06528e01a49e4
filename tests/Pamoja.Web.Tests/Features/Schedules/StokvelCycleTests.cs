using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pamoja.Web.Tests.Infrastructure;
using Pamoja.Web.Features.Schedules;

namespace Pamoja.Web.Tests.Features.Schedules;

/// The golden net-pot stokvel of the issue, end to end through the API and the engines on a
/// fake clock: six members paying R1,500 monthly, each recipient paid R7,500, once.
public sealed class StokvelCycleTests : IAsyncLifetime
{
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    private PamojaFactory _app = null!;

    public async Task InitializeAsync() => _app = await ScheduleApp.CreateAsync(_clock);
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<EngineRunSummary> RunAsync(Guid groupId, DateOnly date) =>
        _app.Services.GetRequiredService<DailyEngines>().RunAsync(date, [groupId], CancellationToken.None);

    private void MoveTo(DateOnly date) =>
        _clock.Advance(new DateTimeOffset(date.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero) - _clock.GetUtcNow());

    [Fact]
    public async Task Six_members_net_pot_pay_each_recipient_R7500_exactly_once_and_the_pool_ends_at_zero()
    {
        var g = await LedgerData.GroupAsync(_app);
        var members = new List<Guid>();
        for (var i = 0; i < 4; i++) members.Add((await GroupData.AddActiveAsync(_app, g.Chair, g.GroupId)).MemberId);
        var treasurer = await GroupData.AddActiveAsync(_app, g.Chair, g.GroupId, "treasurer");
        // Six members: four, the treasurer and the chair (who receives last).
        members.Add(treasurer.MemberId);
        members.Add(g.ChairMemberId);
        var order = members.ToArray();
        Assert.Equal(6, order.Length);
        var put = await g.Chair.PutAsJsonAsync(g.Path("rotation"), new { order });
        Assert.True(put.StatusCode == HttpStatusCode.NoContent, await put.Content.ReadAsStringAsync());

        var start = new DateOnly(2027, 1, 1);
        for (var period = 0; period < order.Length; period++)
        {
            var due = start.AddMonths(period);
            var recipient = order[period];
            // Everyone but the recipient pays before the due date (net pot).
            MoveTo(due.AddDays(-1));
            foreach (var payer in order.Where(m => m != recipient))
                Assert.Equal(HttpStatusCode.Created, (await g.ContributeAsync(payer, 150_000)).StatusCode);
            MoveTo(due);
            var summary = await RunAsync(g.GroupId, due);
            Assert.True(summary.Failed == 0, string.Join("\n", _app.Logs.Errors()));
            Assert.Equal(1, summary.PayoutsReserved);

            var obligations = await g.Chair.GetFromJsonAsync<JsonElement>(g.Path($"obligations?period={period + 1}"));
            Assert.Equal(order.Length - 1, obligations.GetArrayLength());
            Assert.All(obligations.EnumerateArray(), o => Assert.Equal("paid", o.GetProperty("status").GetString()));
            Assert.DoesNotContain(obligations.EnumerateArray(), o => o.GetProperty("memberId").GetGuid() == recipient);

            var payouts = await g.Chair.GetFromJsonAsync<JsonElement>(g.Path("payouts"));
            var payout = payouts.EnumerateArray().Single(p => p.GetProperty("period").GetInt32() == period + 1);
            Assert.Equal(recipient, payout.GetProperty("memberId").GetGuid());
            Assert.Equal((order.Length - 1) * 150_000L, payout.GetProperty("amount").GetInt64());
            Assert.Equal("reserved", payout.GetProperty("status").GetString());

            // Confirmed by an official who is not the recipient.
            var official = recipient == g.ChairMemberId ? treasurer.Client : g.Chair;
            var paid = await official.PostAsync(g.Path($"payouts/{payout.GetProperty("id").GetGuid()}/pay"), new { method = "cash" }, key: Guid.NewGuid().ToString());
            Assert.True(paid.StatusCode == HttpStatusCode.Created, await paid.Content.ReadAsStringAsync());

            // Running the same day again changes nothing.
            var again = await RunAsync(g.GroupId, due);
            Assert.Equal(0, again.ObligationsOpened + again.PayoutsReserved + again.FinesCharged + again.Reminders);
        }

        var all = await g.Chair.GetFromJsonAsync<JsonElement>(g.Path("payouts"));
        Assert.Equal(order.Length, all.GetArrayLength());
        Assert.Equal(order.ToHashSet(), all.EnumerateArray().Select(p => p.GetProperty("memberId").GetGuid()).ToHashSet());
        Assert.All(all.EnumerateArray(), p => Assert.Equal("paid", p.GetProperty("status").GetString()));
        var balances = await g.Chair.GetFromJsonAsync<JsonElement>(g.Path("balances"));
        Assert.Equal(0, balances.GetProperty("pool").GetInt64());
        var verify = await g.Chair.GetFromJsonAsync<JsonElement>(g.Path("journal/verify"));
        Assert.True(verify.GetProperty("valid").GetBoolean());
    }
}
