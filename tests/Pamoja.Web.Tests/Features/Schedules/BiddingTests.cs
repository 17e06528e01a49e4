using System.Net;
using System.Text;
using Pamoja.Web.Tests.Infrastructure;
using static Pamoja.Web.Tests.Infrastructure.ScheduleData;

namespace Pamoja.Web.Tests.Features.Schedules;

/// Bidding: members bid a discount for an earlier turn; the highest bidder receives the pot less
/// the discount, which is shared among the others.
public sealed class BiddingTests : ScheduleTestBase
{
    [Fact]
    public async Task The_highest_bidder_receives_the_pot_less_the_discount_and_the_others_share_the_discount()
    {
        // Four members, gross pot of 4 × R1,000 = R4,000.
        var g = await RoscaAsync(4, Rosca(order: "bidding", pot: "gross", amount: 100_000));
        var (m1, m2, m3) = (g.Ids[1], g.Ids[2], g.Ids[3]);

        var bid1 = await g.BidAsync(g.ClientOf(m1), new { period = 1, discount = 20_000 });
        Assert.True(bid1.StatusCode == HttpStatusCode.Created, await bid1.Content.ReadAsStringAsync());
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Created, (await g.BidAsync(g.ClientOf(m2), new { period = 1, discount = 30_000 })).StatusCode);
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Created, (await g.BidAsync(g.ClientOf(m3), new { period = 1, discount = 25_000 })).StatusCode);
        Clock.Advance(TimeSpan.FromMinutes(1));
        // A member's latest bid is the one that counts.
        var raised = await g.BidAsync(g.ClientOf(m1), new { period = 1, discount = 35_000 });
        Assert.Equal(HttpStatusCode.Created, raised.StatusCode);
        Assert.Equal(35_000, (await g.G.CreatedAsync(raised)).GetProperty("discount").GetInt64());

        await g.RunAsync(Opens(1));
        Assert.Equal(m1, await g.RecipientOfAsync(1));
        Assert.Equal(4, (await g.ObligationsAsync(1)).GetArrayLength()); // gross: the winner pays too

        // Bidding for period 1 closed when it opened.
        var state = await g.RotationStateAsync();
        await g.ProblemAsync(await g.BidAsync(g.ClientOf(m2), new { period = 1, discount = 50_000 }), HttpStatusCode.Conflict, "bid after opening");
        Assert.Equal(state, await g.RotationStateAsync());

        Clock.MoveTo(Due(1).AddDays(-1));
        foreach (var m in g.Ids) await g.PayInAsync(m, 100_000);
        await g.RunAsync(Due(1));
        var payout = (await g.PayoutForAsync(1))!.Value;
        Assert.Equal(m1, payout.GetProperty("memberId").GetGuid());
        Assert.Equal(365_000, payout.GetProperty("amount").GetInt64());
        Assert.Equal(35_000, payout.GetProperty("discount").GetInt64());

        // The reservation: the winner gets R3,650, each of the three others a third of R350 (odd cent to the first by id).
        var lines = await g.LinesAsync(await g.ReserveEntryIdAsync(payout.GetProperty("id").GetGuid()));
        Assert.Equal(365_000, lines[$"member:{m1}:payouts"]);
        Assert.Equal(-400_000, lines["payable:payouts"]);
        var others = g.Ids.Where(m => m != m1).OrderBy(m => m.ToString("D"), StringComparer.Ordinal).ToList();
        Assert.Equal([11_667L, 11_667L, 11_666L], others.Select(m => lines[$"member:{m}:payouts"]).ToArray());
        Assert.Equal(5, lines.Count);
        Assert.Equal(0, lines.Values.Sum());

        // The winner has had their turn: no more bids from them in this cycle.
        await g.ProblemAsync(await g.BidAsync(g.ClientOf(m1), new { period = 2, discount = 1_000 }), HttpStatusCode.UnprocessableEntity, "winner bids again");
        await g.G.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Between_equal_discounts_the_earlier_bid_wins_and_a_raise_counts_from_when_it_was_placed()
    {
        var g = await RoscaAsync(3, Rosca(order: "bidding", pot: "net", amount: 100_000));
        var (m1, m2) = (g.Ids[1], g.Ids[2]);
        Assert.Equal(HttpStatusCode.Created, (await g.BidAsync(g.ClientOf(m1), new { period = 1, discount = 5_000 })).StatusCode);
        Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.Created, (await g.BidAsync(g.ClientOf(m2), new { period = 1, discount = 10_000 })).StatusCode);
        Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.Created, (await g.BidAsync(g.ClientOf(m1), new { period = 1, discount = 10_000 })).StatusCode);
        await g.RunAsync(Opens(1));
        Assert.Equal(m2, await g.RecipientOfAsync(1));
        var turn = (await g.RotationAsync()).GetProperty("cycles")[0].GetProperty("turns").EnumerateArray()
            .Single(t => t.GetProperty("memberId").GetGuid() == m2);
        Assert.Equal(10_000, turn.GetProperty("discount").GetInt64());
        Assert.Equal(1, turn.GetProperty("period").GetInt32());
        // m1 waits for a later period; their bid for period 1 lapsed with it.
        Assert.Equal(HttpStatusCode.Created, (await g.BidAsync(g.ClientOf(m1), new { period = 2, discount = 1 })).StatusCode);
    }

    [Fact]
    public async Task Without_bids_the_first_waiting_member_receives_the_whole_pot()
    {
        var g = await RoscaAsync(3, Rosca(order: "bidding", pot: "net", amount: 100_000));
        await g.RunAsync(Opens(1));
        Assert.Equal(g.ChairId, await g.RecipientOfAsync(1));
        Clock.MoveTo(Due(1).AddDays(-1));
        foreach (var m in g.Ids.Skip(1)) await g.PayInAsync(m, 100_000);
        await g.RunAsync(Due(1));
        var payout = (await g.PayoutForAsync(1))!.Value;
        Assert.Equal(200_000, payout.GetProperty("amount").GetInt64());
        Assert.Equal(0, payout.GetProperty("discount").GetInt64());
        Assert.Equal(2, (await g.LinesAsync(await g.ReserveEntryIdAsync(payout.GetProperty("id").GetGuid()))).Count);
    }

    [Fact]
    public async Task Bad_bids_are_400_and_write_nothing()
    {
        var g = await RoscaAsync(3, Rosca(order: "bidding", pot: "gross", amount: 100_000));
        var member = g.ClientOf(g.Ids[1]);
        var state = await g.RotationStateAsync();
        var bad = new[]
        {
            """{"period":0,"discount":100}""", """{"period":-1,"discount":100}""", """{"discount":100}""", """{"period":1}""",
            """{"period":1,"discount":-1}""", """{"period":"one","discount":100}""", """{"period":1,"discount":"abc"}""",
            """{"period":1.5,"discount":100}""", """{"period":1,"discount":10.5}""", """{"period":1,"discount":300000}""",
            """{"period":1,"discount":1000000000000000}""", """{"period":100001,"discount":1}""", "[]", "{", "",
        };
        foreach (var body in bad)
        {
            var response = await member.PostAsync(g.Path("rotation/bids"), new StringContent(body, Encoding.UTF8, "application/json"));
            await g.ProblemAsync(response, HttpStatusCode.BadRequest, body);
        }
        Assert.Equal(state, await g.RotationStateAsync());
        Assert.Equal(0, await GroupData.CountAsync("SELECT count(*) FROM rotation_bids WHERE group_id = $1", g.GroupId));
        // The largest discount below the pot is a good bid.
        Assert.Equal(HttpStatusCode.Created, (await g.BidAsync(member, new { period = 1, discount = 299_999 })).StatusCode);
    }

    [Fact]
    public async Task A_winning_discount_larger_than_what_was_collected_by_the_due_date_does_not_stop_the_engines()
    {
        // Pay on the due date what was collected; the winner bid R2,500 of a R3,000 pot, but only R1,000 came in.
        var g = await RoscaAsync(3, Rosca(order: "bidding", pot: "gross", amount: 100_000));
        await g.SetRotationSettingsAsync(new { payoutPolicy = "due_date" });
        var winner = g.Ids[1];
        Assert.Equal(HttpStatusCode.Created, (await g.BidAsync(g.ClientOf(winner), new { period = 1, discount = 250_000 })).StatusCode);
        await g.RunAsync(Opens(1));
        Assert.Equal(winner, await g.RecipientOfAsync(1));
        Clock.MoveTo(Due(1).AddDays(-1));
        await g.PayInAsync(g.ChairId, 100_000);

        // The engines keep running for the group (fines, reminders, later periods) …
        await g.RunAsync(Due(1));
        await g.RunAsync(Due(1).AddDays(4));
        Assert.Equal(2, await g.EntriesOfKindAsync("fine_charged"));
        // … and no payout of nothing (or less) is ever reserved for the winner.
        var payout = await g.PayoutForAsync(1);
        Assert.True(payout is null || payout.Value.GetProperty("amount").GetInt64() > 0, payout?.ToString());
        await g.G.AssertInvariantsAsync();
    }
    [Fact]
    public async Task A_winning_bid_above_the_pot_after_a_member_left_does_not_stop_the_engines()
    {
        // Four members, gross R4,000 pot: a bid of R3,500 for period 2 is valid when placed.
        var g = await RoscaAsync(4, Rosca(order: "bidding", pot: "gross", amount: 100_000));
        var (bidder, leaver) = (g.Ids[2], g.Ids[3]);
        Assert.Equal(HttpStatusCode.Created, (await g.BidAsync(g.ClientOf(bidder), new { period = 2, discount = 350_000 })).StatusCode);
        await g.RunAsync(Opens(1));
        // A member who has not received leaves: the cycle shrinks to three, the pot to R3,000.
        Clock.MoveTo(Opens(1).AddDays(1));
        Assert.Equal(HttpStatusCode.NoContent, (await g.LeaveAsync(leaver)).StatusCode);
        foreach (var m in g.Ids.Take(3)) await g.PayInAsync(m, 200_000); // periods 1 and 2, all collected

        await g.RunAsync(Opens(2));
        Assert.Equal(bidder, await g.RecipientOfAsync(2));
        await g.RunAsync(Due(2));
        var payout = (await g.PayoutForAsync(2))!.Value;
        Assert.True(payout.GetProperty("amount").GetInt64() > 0, payout.ToString());
        await g.G.AssertInvariantsAsync();
    }
}
