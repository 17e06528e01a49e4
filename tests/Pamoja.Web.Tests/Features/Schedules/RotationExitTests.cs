using System.Net;
using System.Net.Http.Json;
using Pamoja.Web.Tests.Infrastructure;
using static Pamoja.Web.Tests.Infrastructure.ScheduleData;

namespace Pamoja.Web.Tests.Features.Schedules;

/// Leaving a rotating group mid-cycle, and joining one: a member who has received pays for the
/// rest of the cycle first; a member who has not gives up their turn (shorten or skip); a member
/// who joins mid-cycle starts with the next cycle.
public sealed class RotationExitTests : ScheduleTestBase
{
    [Fact]
    public async Task A_member_who_has_received_and_still_owes_for_the_cycle_cannot_leave_until_they_pay()
    {
        var g = await RoscaAsync(3);
        var (first, b) = (g.Ids[1], g.Ids[2]);
        await g.SetOrderAsync([first, b, g.ChairId]);
        Clock.MoveTo(Opens(1));
        await g.PayInAsync(b, 150_000);
        await g.PayInAsync(g.ChairId, 150_000);
        await g.RunAsync(Due(1));
        var payoutId = await g.ReservedPayoutIdAsync(1);
        Assert.Equal(HttpStatusCode.Created, (await g.PayAsync(payoutId)).StatusCode);

        // They received R3,000 and owe R1,500 for each of the two periods still to come.
        var state = await g.RotationStateAsync();
        var written = await g.G.WrittenAsync();
        await g.ProblemAsync(await g.LeaveAsync(first), HttpStatusCode.UnprocessableEntity, "leave after receiving");
        await g.ProblemAsync(await GroupData.StatusAsync(g.Chair, g.GroupId, first, "remove"), HttpStatusCode.UnprocessableEntity, "removed after receiving");
        Assert.Equal(state, await g.RotationStateAsync());
        Assert.Equal(written, await g.G.WrittenAsync());
        Assert.Equal("active", (await GroupData.MemberAsync(g.Chair, g.GroupId, first)).GetProperty("status").GetString());

        // Paying half is not enough.
        await g.PayInAsync(first, 150_000);
        await g.ProblemAsync(await g.LeaveAsync(first), HttpStatusCode.UnprocessableEntity, "leave owing one period");
        Assert.Equal("active", (await GroupData.MemberAsync(g.Chair, g.GroupId, first)).GetProperty("status").GetString());

        // Once paid up for the cycle, they may go; their remaining obligations open, already paid.
        await g.PayInAsync(first, 150_000);
        var left = await g.LeaveAsync(first);
        Assert.True(left.StatusCode == HttpStatusCode.NoContent, await left.Content.ReadAsStringAsync());
        Assert.Equal("exited", (await GroupData.MemberAsync(g.Chair, g.GroupId, first)).GetProperty("status").GetString());
        await g.RunAsync(Opens(2));
        Assert.Equal("paid", (await g.ObligationAsync(first, 2))!.Value.GetProperty("status").GetString());
        Assert.Equal(b, await g.RecipientOfAsync(2));
        await g.RunAsync(Opens(3));
        Assert.Equal("paid", (await g.ObligationAsync(first, 3))!.Value.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_member_who_has_received_cannot_leave_with_arrears_once_the_last_period_of_the_cycle_has_opened()
    {
        var g = await RoscaAsync(3);
        var (first, b) = (g.Ids[1], g.Ids[2]);
        await g.SetOrderAsync([first, b, g.ChairId]);
        Clock.MoveTo(Opens(1));
        await g.PayInAsync(b, 150_000);
        await g.PayInAsync(g.ChairId, 150_000);
        await g.RunAsync(Due(1));
        Assert.Equal(HttpStatusCode.Created, (await g.PayAsync(await g.ReservedPayoutIdAsync(1))).StatusCode);

        // Periods 2 and 3 open; the first recipient pays neither.
        await g.RunAsync(Opens(3));
        Assert.Equal("overdue", (await g.ObligationAsync(first, 2))!.Value.GetProperty("status").GetString());
        Assert.NotNull(await g.ObligationAsync(first, 3));

        var state = await g.RotationStateAsync();
        var response = await g.LeaveAsync(first);
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity,
            $"a member who received R3,000 and owes R3,000 for periods 2 and 3 left: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(state, await g.RotationStateAsync());
        Assert.Equal("active", (await GroupData.MemberAsync(g.Chair, g.GroupId, first)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task With_shorten_a_leaver_who_has_not_received_gives_up_their_turn_and_the_later_turns_move_up()
    {
        var g = await RoscaAsync(4);
        var (m1, leaver, m3) = (g.Ids[1], g.Ids[2], g.Ids[3]);
        await g.SetOrderAsync([m1, leaver, m3, g.ChairId]);
        Assert.Equal("shorten", (await g.RotationAsync()).GetProperty("exitTurn").GetString());
        await g.RunAsync(Opens(1));
        Assert.Equal(leaver, await g.RecipientOfAsync(2));

        Clock.MoveTo(Opens(1).AddDays(1));
        var left = await g.LeaveAsync(leaver);
        Assert.True(left.StatusCode == HttpStatusCode.NoContent, await left.Content.ReadAsStringAsync());

        Assert.Equal(m1, await g.RecipientOfAsync(1));
        Assert.Equal(m3, await g.RecipientOfAsync(2));
        Assert.Equal(g.ChairId, await g.RecipientOfAsync(3));
        var cycle = (await g.RotationAsync()).GetProperty("cycles").EnumerateArray().Single();
        Assert.Equal([m1, m3, g.ChairId], cycle.GetProperty("turns").EnumerateArray().Select(t => t.GetProperty("memberId").GetGuid()).ToArray());
        Assert.Equal([1, 2, 3], cycle.GetProperty("turns").EnumerateArray().Select(t => t.GetProperty("period").GetInt32()).ToArray());

        // The cycle is one period shorter: period 4 begins the next cycle, without the leaver.
        await g.RunAsync(Opens(4));
        var cycles = (await g.RotationAsync()).GetProperty("cycles").EnumerateArray().ToList();
        Assert.Equal(2, cycles.Count);
        Assert.Equal(4, cycles[1].GetProperty("firstPeriod").GetInt32());
        Assert.Equal(m1, await g.RecipientOfAsync(4));
        Assert.Equal(m3, await g.RecipientOfAsync(5));
        Assert.Equal(g.ChairId, await g.RecipientOfAsync(6));
        for (var p = 2; p <= 4; p++)
        {
            Assert.Null(await g.ObligationAsync(leaver, p));
            Assert.Equal(2, (await g.ObligationsAsync(p)).GetArrayLength()); // three in the cycle, net pot
        }
    }

    [Fact]
    public async Task With_skip_a_leavers_period_stays_empty_no_obligations_no_payout_and_the_others_keep_their_periods()
    {
        var g = await RoscaAsync(4);
        var (m1, leaver, m3) = (g.Ids[1], g.Ids[2], g.Ids[3]);
        await g.SetOrderAsync([m1, leaver, m3, g.ChairId]);
        await g.SetRotationSettingsAsync(new { exitTurn = "skip" });
        Assert.Equal("skip", (await g.RotationAsync()).GetProperty("exitTurn").GetString());
        await g.RunAsync(Opens(1));

        Clock.MoveTo(Opens(1).AddDays(1));
        await g.PayInAsync(leaver, 150_000); // settles period 1 before going
        Assert.Equal(HttpStatusCode.NoContent, (await g.LeaveAsync(leaver)).StatusCode);
        var skipped = await g.PeriodAsync(2);
        Assert.Equal("skipped", skipped.GetProperty("status").GetString());
        Assert.True(!skipped.TryGetProperty("recipientMemberId", out var r) || r.ValueKind == System.Text.Json.JsonValueKind.Null, skipped.ToString());
        Assert.Equal(m3, await g.RecipientOfAsync(3));
        Assert.Equal(g.ChairId, await g.RecipientOfAsync(4));

        // Everyone pays well ahead; period 2 still collects nothing and pays no one.
        foreach (var m in new[] { m1, m3, g.ChairId }) await g.PayInAsync(m, 600_000);
        var run = await g.RunAsync(Due(2).AddDays(10));
        Assert.Empty((await g.ObligationsAsync(2)).EnumerateArray());
        Assert.Null(await g.PayoutForAsync(2));
        Assert.Equal("skipped", await g.StatusOfAsync(2));
        Assert.Equal(0, await g.EntriesOfKindAsync("fine_charged"));
        Assert.Equal(1, await g.RemindersToAsync(leaver, "due_soon")); // period 1's, sent before they left
        Assert.Equal(0, await g.RemindersToAsync(leaver, "overdue"));

        // Period 3 is the next recipient's, as before; the cycle keeps four periods.
        await g.RunAsync(Due(3));
        Assert.Equal(m3, (await g.PayoutForAsync(3))!.Value.GetProperty("memberId").GetGuid());
        await g.RunAsync(Opens(5));
        var cycles = (await g.RotationAsync()).GetProperty("cycles").EnumerateArray().ToList();
        Assert.Equal(5, cycles[1].GetProperty("firstPeriod").GetInt32());
        Assert.Null(await g.ObligationAsync(leaver, 5));
    }

    [Fact]
    public async Task A_member_who_joins_mid_cycle_owes_nothing_until_the_next_cycle()
    {
        var g = await RoscaAsync(3);
        await g.SetOrderAsync(g.Ids);
        await g.RunAsync(Opens(1));

        Clock.MoveTo(Due(1).AddDays(10));
        var joiner = await GroupData.AddActiveAsync(App, g.Chair, g.GroupId);
        await g.RunAsync(Opens(2));
        await g.RunAsync(Opens(3));
        for (var p = 1; p <= 3; p++)
            Assert.Null(await g.ObligationAsync(joiner.MemberId, p));
        var bids = await g.BidAsync(joiner.Client, new { period = 3, discount = 1 }); // a fixed group: no bids at all
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bids.StatusCode);

        // The next cycle takes everyone active when it starts, the joiner last.
        await g.RunAsync(Opens(4));
        var obligation = await g.ObligationAsync(joiner.MemberId, 4);
        Assert.NotNull(obligation);
        Assert.Equal(150_000, obligation!.Value.GetProperty("amount").GetInt64());
        var cycle2 = (await g.RotationAsync()).GetProperty("cycles").EnumerateArray().ToList()[1];
        Assert.Equal(4, cycle2.GetProperty("turns").GetArrayLength());
        Assert.Equal(joiner.MemberId, await g.RecipientOfAsync(7));
        Assert.Equal(3, (await g.ObligationsAsync(4)).GetArrayLength()); // four members, net pot
    }
}
