using System.Net;
using System.Net.Http.Json;
using Pamoja.Web.Tests.Infrastructure;
using static Pamoja.Web.Tests.Infrastructure.ScheduleData;

namespace Pamoja.Web.Tests.Features.Schedules;

/// When the recipient is paid: all_collected (the default) waits for every payer; due_date pays
/// what was collected by the due date.
public sealed class PayoutPolicyTests : ScheduleTestBase
{
    [Fact]
    public async Task With_all_collected_nothing_is_reserved_while_one_payer_owes_and_the_full_pot_once_they_pay()
    {
        var g = await RoscaAsync(3);
        var (a, b) = (g.Ids[1], g.Ids[2]);
        await g.SetOrderAsync([g.ChairId, a, b]);
        Assert.Equal("all_collected", (await g.RotationAsync()).GetProperty("payoutPolicy").GetString());

        await g.RunAsync(Opens(1));
        Clock.MoveTo(Due(1).AddDays(-1));
        await g.PayInAsync(a, 150_000);
        await g.PayInAsync(b, 149_999); // one cent short
        await g.RunAsync(Due(1));
        await g.RunAsync(Due(1).AddDays(10));
        Assert.Null(await g.PayoutForAsync(1));
        Assert.Equal(0, await g.EntriesOfKindAsync("payout_reserved"));
        var period = await g.PeriodAsync(1);
        Assert.Equal("overdue", period.GetProperty("status").GetString());
        Assert.Equal(299_999, period.GetProperty("collected").GetInt64());
        Assert.Equal(300_000, period.GetProperty("due").GetInt64());

        Clock.MoveTo(Due(1).AddDays(11));
        await g.PayInAsync(b, 1);
        var run = await g.RunAsync(Due(1).AddDays(11));
        Assert.Equal(1, run.PayoutsReserved);
        var payout = (await g.PayoutForAsync(1))!.Value;
        Assert.Equal(300_000, payout.GetProperty("amount").GetInt64());
        Assert.Equal(g.ChairId, payout.GetProperty("memberId").GetGuid());
        Assert.Equal("payout_reserved", await g.StatusOfAsync(1));
    }

    [Fact]
    public async Task With_due_date_exactly_what_was_collected_is_reserved_on_the_due_date_and_never_topped_up()
    {
        var g = await RoscaAsync(3);
        var (a, b) = (g.Ids[1], g.Ids[2]);
        await g.SetOrderAsync([g.ChairId, a, b]);
        await g.SetRotationSettingsAsync(new { payoutPolicy = "due_date" });
        Assert.Equal("due_date", (await g.RotationAsync()).GetProperty("payoutPolicy").GetString());

        await g.RunAsync(Opens(1));
        Clock.MoveTo(Due(1).AddDays(-2));
        await g.PayInAsync(a, 150_000);
        await g.PayInAsync(b, 70_000);
        var before = await g.RunAsync(Due(1).AddDays(-1));
        Assert.Equal(0, before.PayoutsReserved); // not before the due date
        Assert.Null(await g.PayoutForAsync(1));

        var onDue = await g.RunAsync(Due(1));
        Assert.Equal(1, onDue.PayoutsReserved);
        var payout = (await g.PayoutForAsync(1))!.Value;
        Assert.Equal(220_000, payout.GetProperty("amount").GetInt64());
        Assert.Equal(g.ChairId, payout.GetProperty("memberId").GetGuid());
        var lines = await g.LinesAsync(await g.ReserveEntryIdAsync(payout.GetProperty("id").GetGuid()));
        Assert.Equal(220_000, lines[$"member:{g.ChairId}:payouts"]);
        Assert.Equal(-220_000, lines["payable:payouts"]);

        // The rest arrives later: the period keeps its one payout, unchanged.
        Clock.MoveTo(Due(1).AddDays(2));
        await g.PayInAsync(b, 80_000);
        await g.RunAsync(Due(1).AddDays(2));
        await g.RunAsync(Due(1).AddDays(15));
        Assert.Equal(220_000, (await g.PayoutForAsync(1))!.Value.GetProperty("amount").GetInt64());
        Assert.Equal(1, await g.EntriesOfKindAsync("payout_reserved"));
        Assert.Equal(1, (await g.PayoutsAsync()).GetArrayLength());
        await g.G.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Rotation_settings_are_validated_and_only_the_chair_changes_them()
    {
        var g = await RoscaAsync(2, roles: new Dictionary<int, string> { [1] = "treasurer" });
        var state = await g.RotationStateAsync();
        foreach (var body in new[] { """{"payoutPolicy":"sometimes"}""", """{"exitTurn":"vanish"}""", "{}", """{"payoutPolicy":5}""", "[]", "not json" })
        {
            var response = await g.Chair.PutAsync(g.Path("rotation/settings"), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            await g.ProblemAsync(response, HttpStatusCode.BadRequest, body);
        }
        var treasurer = await g.Member(g.Ids[1]).Client.PutAsJsonAsync(g.Path("rotation/settings"), new { payoutPolicy = "due_date" });
        await g.ProblemAsync(treasurer, HttpStatusCode.Forbidden, "treasurer");
        Assert.Equal(state, await g.RotationStateAsync());
        Assert.Equal("all_collected", (await g.RotationAsync()).GetProperty("payoutPolicy").GetString());
    }
}
