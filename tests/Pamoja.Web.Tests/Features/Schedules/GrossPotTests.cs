using System.Net;
using Pamoja.Web.Tests.Infrastructure;
using static Pamoja.Web.Tests.Infrastructure.ScheduleData;

namespace Pamoja.Web.Tests.Features.Schedules;

/// domain.md § Kinds of group: a gross pot — everyone pays every period, the recipient too.
public sealed class GrossPotTests : ScheduleTestBase
{
    [Fact]
    public async Task Ten_members_paying_N50000_gross_give_the_recipient_N500000_and_the_recipient_owes_in_their_own_period()
    {
        var g = await RoscaAsync(10, Rosca(currency: "NGN", amount: 5_000_000, pot: "gross", name: "Ajo Lagos"));
        // A member who is not the chair receives first, so the chair can confirm the payout.
        var order = g.Ids.Skip(1).Append(g.ChairId).ToArray();
        await g.SetOrderAsync(order);
        var recipient = order[0];

        Clock.MoveTo(Due(1).AddDays(-5));
        foreach (var member in g.Ids)
            await g.PayInAsync(member, 5_000_000);

        // Before the engines start the cycle: the group's first four periods, nobody collecting yet.
        var early = await g.ScheduleAsync();
        Assert.Equal(4, early.GetArrayLength());
        Assert.All(early.EnumerateArray(), p => Assert.Equal("upcoming", p.GetProperty("status").GetString()));

        var opened = await g.RunAsync(Opens(1));
        Assert.Equal(10, opened.ObligationsOpened);
        Assert.Equal(0, opened.PayoutsReserved); // not before the due date
        // Everyone paid ahead: period 1 is collected (its payout waits for the due date); the
        // default schedule now runs to the end of the ten-period cycle.
        var whole = await g.ScheduleAsync();
        Assert.Equal(10, whole.GetArrayLength());
        Assert.Equal("collected", whole[0].GetProperty("status").GetString());
        Assert.Equal("upcoming", whole[1].GetProperty("status").GetString());
        Assert.Equal(order, whole.EnumerateArray().Select(p => p.GetProperty("recipientMemberId").GetGuid()).ToArray());
        var reserved = await g.RunAsync(Due(1));
        Assert.Equal(1, reserved.PayoutsReserved);

        var obligations = await g.ObligationsAsync(1);
        Assert.Equal(10, obligations.GetArrayLength());
        Assert.Equal(g.Ids.ToHashSet(), obligations.EnumerateArray().Select(o => o.GetProperty("memberId").GetGuid()).ToHashSet());
        Assert.All(obligations.EnumerateArray(), o =>
        {
            Assert.Equal(5_000_000, o.GetProperty("amount").GetInt64());
            Assert.Equal("paid", o.GetProperty("status").GetString());
            Assert.Equal(1, o.GetProperty("period").GetInt32());
        });
        var own = await g.ObligationAsync(recipient, 1);
        Assert.NotNull(own);

        var payout = (await g.PayoutForAsync(1))!.Value;
        Assert.Equal(recipient, payout.GetProperty("memberId").GetGuid());
        Assert.Equal(50_000_000, payout.GetProperty("amount").GetInt64());
        Assert.Equal("NGN", payout.GetProperty("currency").GetString());
        Assert.Equal(0, payout.GetProperty("discount").GetInt64());
        var payoutId = payout.GetProperty("id").GetGuid();

        // The reservation: the recipient's payouts account ← payable:payouts, ₦500,000 each way.
        var lines = await g.LinesAsync(await g.ReserveEntryIdAsync(payoutId));
        Assert.Equal(2, lines.Count);
        Assert.Equal(50_000_000, lines[$"member:{recipient}:payouts"]);
        Assert.Equal(-50_000_000, lines["payable:payouts"]);

        var period = await g.PeriodAsync(1);
        Assert.Equal(recipient, period.GetProperty("recipientMemberId").GetGuid());
        Assert.Equal("payout_reserved", period.GetProperty("status").GetString());
        Assert.Equal(50_000_000, period.GetProperty("due").GetInt64());
        Assert.Equal(50_000_000, period.GetProperty("collected").GetInt64());
        Assert.Equal(order[1], await g.RecipientOfAsync(2));
        Assert.Equal(order[9], await g.RecipientOfAsync(10));

        Assert.Equal(HttpStatusCode.Created, (await g.PayAsync(payoutId)).StatusCode);
        Assert.Equal("paid_out", await g.StatusOfAsync(1));
        var balances = await g.G.BalancesAsync();
        Assert.Equal(0, balances.GetProperty("pool").GetInt64());
        var mine = balances.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("memberId").GetGuid() == recipient);
        Assert.Equal(50_000_000, mine.GetProperty("received").GetInt64());
        Assert.Equal(5_000_000, mine.GetProperty("contributed").GetInt64());

        // Period 2: the first recipient pays again (gross), and the pot is again ₦500,000.
        Clock.MoveTo(Due(2).AddDays(-5));
        foreach (var member in g.Ids)
            await g.PayInAsync(member, 5_000_000);
        await g.RunAsync(Due(2));
        Assert.NotNull(await g.ObligationAsync(recipient, 2));
        Assert.Equal(10, (await g.ObligationsAsync(2)).GetArrayLength());
        var second = (await g.PayoutForAsync(2))!.Value;
        Assert.Equal(order[1], second.GetProperty("memberId").GetGuid());
        Assert.Equal(50_000_000, second.GetProperty("amount").GetInt64());
        await g.G.AssertInvariantsAsync();
    }
}
