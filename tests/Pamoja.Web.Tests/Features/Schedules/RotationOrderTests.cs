using System.Net;
using System.Net.Http.Json;
using System.Text;
using Pamoja.Web.Tests.Infrastructure;
using static Pamoja.Web.Tests.Infrastructure.ScheduleData;

namespace Pamoja.Web.Tests.Features.Schedules;

/// PUT /rotation: the chair fixes who receives in which period.
public sealed class RotationOrderTests : ScheduleTestBase
{
    [Fact]
    public async Task A_fixed_order_decides_each_periods_recipient_and_the_turns_still_to_come_can_be_reordered()
    {
        var g = await RoscaAsync(4);
        var order = new[] { g.Ids[3], g.Ids[1], g.ChairId, g.Ids[2] };
        await g.SetOrderAsync(order);
        // Before the engines start the cycle, the schedule already shows who will receive when.
        var planned = await g.ScheduleAsync("?from=1&count=4");
        Assert.Equal(order, planned.EnumerateArray().Select(p => p.GetProperty("recipientMemberId").GetGuid()).ToArray());
        await g.RunAsync(Opens(1));

        var schedule = await g.ScheduleAsync("?from=1&count=4");
        Assert.Equal(4, schedule.GetArrayLength());
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(i + 1, schedule[i].GetProperty("period").GetInt32());
            Assert.Equal(order[i], schedule[i].GetProperty("recipientMemberId").GetGuid());
            Assert.Equal(LedgerData.Date(Due(i + 1)), schedule[i].GetProperty("dueOn").GetString());
            Assert.Equal(LedgerData.Date(Due(i + 1)), schedule[i].GetProperty("startsOn").GetString());
        }
        // Net pot: the recipient of period 1 owes nothing in it.
        Assert.Null(await g.ObligationAsync(order[0], 1));
        Assert.Equal(3, (await g.ObligationsAsync(1)).GetArrayLength());

        // Period 1 is under way: only the three turns still to come are reordered, among themselves.
        var state = await g.RotationStateAsync();
        await g.ProblemAsync(await g.PutOrderAsync(order.Reverse()), HttpStatusCode.BadRequest, "the opened turn moved");
        Assert.Equal(state, await g.RotationStateAsync());
        var rest = new[] { order[3], order[1], order[2] };
        await g.SetOrderAsync(rest);
        Assert.Equal(order[0], await g.RecipientOfAsync(1));
        Assert.Equal(rest[0], await g.RecipientOfAsync(2));
        Assert.Equal(rest[1], await g.RecipientOfAsync(3));
        Assert.Equal(rest[2], await g.RecipientOfAsync(4));

        // And the engine follows it.
        Clock.MoveTo(Opens(2).AddDays(-1));
        foreach (var m in g.Ids.Where(m => m != rest[0])) await g.PayInAsync(m, 300_000); // periods 1 and 2
        await g.RunAsync(Due(2));
        Assert.Equal(rest[0], (await g.PayoutForAsync(2))!.Value.GetProperty("memberId").GetGuid());
        Assert.Null(await g.ObligationAsync(rest[0], 2));
    }

    [Fact]
    public async Task Wrong_orders_are_400_and_change_nothing_and_only_the_chair_may_set_one()
    {
        var g = await RoscaAsync(3, roles: new Dictionary<int, string> { [1] = "treasurer" });
        var other = await RoscaAsync(2);
        var invited = await GroupData.InviteAsync(g.Chair, g.GroupId, TestData.Phone());
        var ids = g.Ids;
        await g.SetOrderAsync([ids[2], ids[0], ids[1]]);
        var state = await g.RotationStateAsync();

        var bad = new Dictionary<string, string>
        {
            ["one missing"] = Order(ids[0], ids[1]),
            ["duplicate"] = Order(ids[0], ids[1], ids[1]),
            ["duplicate, all present"] = Order(ids[0], ids[1], ids[2], ids[0]),
            ["unknown id"] = Order(ids[0], ids[1], Guid.NewGuid()),
            ["unknown extra"] = Order(ids[0], ids[1], ids[2], Guid.NewGuid()),
            ["another group's member"] = Order(ids[0], ids[1], other.Ids[1]),
            ["invited, not active"] = Order(ids[0], ids[1], invited),
            ["empty"] = """{"order":[]}""",
            ["null"] = """{"order":null}""",
            ["missing"] = "{}",
            ["string"] = """{"order":"abc"}""",
            ["numbers"] = """{"order":[1,2,3]}""",
            ["not guids"] = """{"order":["a","b","c"]}""",
            ["object"] = """{"order":{"a":1}}""",
            ["array body"] = "[]",
            ["not json"] = "order=1",
            ["empty guid"] = Order(ids[0], ids[1], Guid.Empty),
        };
        foreach (var (what, body) in bad)
        {
            var response = await g.Chair.PutAsync(g.Path("rotation"), new StringContent(body, Encoding.UTF8, "application/json"));
            await g.ProblemAsync(response, HttpStatusCode.BadRequest, what);
        }
        Assert.Equal(state, await g.RotationStateAsync());

        await g.ProblemAsync(await g.PutOrderAsync(ids, g.ClientOf(ids[1])), HttpStatusCode.Forbidden, "treasurer");
        await g.ProblemAsync(await g.PutOrderAsync(ids, g.ClientOf(ids[2])), HttpStatusCode.Forbidden, "member");
        Assert.Equal(state, await g.RotationStateAsync());

        // The same checks once a cycle is under way.
        await g.RunAsync(Opens(1));
        state = await g.RotationStateAsync();
        // Still to come: ids[0] and ids[1]; ids[2] receives in the period already opened.
        foreach (var body in new[] { Order(ids[1]), Order(ids[2], ids[0]), Order(ids[0], ids[1], ids[2]), Order(ids[1], ids[1]), Order(ids[0], ids[1], ids[1]), """{"order":[]}""" })
        {
            var response = await g.Chair.PutAsync(g.Path("rotation"), new StringContent(body, Encoding.UTF8, "application/json"));
            await g.ProblemAsync(response, HttpStatusCode.BadRequest, "under way: " + body);
        }
        Assert.Equal(state, await g.RotationStateAsync());
        Assert.Equal(ids[2], await g.RecipientOfAsync(1));
        Assert.Equal(ids[0], await g.RecipientOfAsync(2));
        Assert.Equal(ids[1], await g.RecipientOfAsync(3));
    }

    [Fact]
    public async Task Lottery_and_bidding_groups_have_no_hand_set_order_and_fixed_groups_no_draw_nor_bids()
    {
        var lottery = await RoscaAsync(2, Rosca(order: "lottery"));
        await lottery.ProblemAsync(await lottery.PutOrderAsync(lottery.Ids), HttpStatusCode.UnprocessableEntity, "order on a lottery group");
        var bidding = await RoscaAsync(2, Rosca(order: "bidding"));
        await bidding.ProblemAsync(await bidding.PutOrderAsync(bidding.Ids), HttpStatusCode.UnprocessableEntity, "order on a bidding group");

        var fixedGroup = await RoscaAsync(2);
        var state = await fixedGroup.RotationStateAsync();
        await fixedGroup.ProblemAsync(await fixedGroup.Chair.PostAsJsonAsync(fixedGroup.Path("rotation/draw"), new { }), HttpStatusCode.UnprocessableEntity, "draw on a fixed group");
        await fixedGroup.ProblemAsync(await fixedGroup.BidAsync(fixedGroup.ClientOf(fixedGroup.Ids[1]), new { period = 1, discount = 100 }),
            HttpStatusCode.UnprocessableEntity, "bid in a fixed group");
        Assert.Equal(state, await fixedGroup.RotationStateAsync());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await fixedGroup.RotationAsync()).GetProperty("nextDraw").ValueKind);
    }

    private static string Order(params Guid[] ids) => System.Text.Json.JsonSerializer.Serialize(new { order = ids });
}
