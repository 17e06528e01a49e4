using System.Net;
using System.Net.Http.Json;
using System.Text;
using Pamoja.Web.Tests.Infrastructure;
using static Pamoja.Web.Tests.Infrastructure.ScheduleData;

namespace Pamoja.Web.Tests.Features.Schedules;

/// Bad input to the schedule endpoints: 400/404 problems, never a 500; outsiders see 404.
public sealed class ScheduleBadInputTests : ScheduleTestBase
{
    [Fact]
    public async Task Bad_schedule_and_obligation_queries_are_400_problems()
    {
        var g = await RoscaAsync(2);
        await g.RunAsync(Opens(1));
        var bad = new[]
        {
            "schedule?from=0", "schedule?from=-1", "schedule?from=abc", "schedule?from=1.5", "schedule?from=%20", "schedule?from=",
            "schedule?count=abc", "schedule?count=0", "schedule?count=-3", "schedule?count=401", "schedule?count=99999999999",
            "schedule?from=100001", "schedule?from=1e3", "schedule?from=0x10",
            "obligations?period=-1", "obligations?period=0", "obligations?period=abc", "obligations?period=100001",
            "obligations?memberId=abc", "obligations?memberId=1",
        };
        foreach (var query in bad)
            await g.ProblemAsync(await g.Chair.GetAsync(g.Path(query)), HttpStatusCode.BadRequest, query);

        // Good ones, for contrast.
        Assert.Equal(3, (await g.ScheduleAsync("?from=2&count=3")).GetArrayLength());
        Assert.Equal(400, (await g.ScheduleAsync("?count=400")).GetArrayLength());
        Assert.Single((await g.ObligationsAsync(1)).EnumerateArray());
        Assert.Empty((await g.ObligationsAsync(7)).EnumerateArray());
        Assert.Single((await g.GetOkAsync($"obligations?memberId={g.Ids[1]}")).EnumerateArray());
        Assert.Empty((await g.GetOkAsync($"obligations?memberId={Guid.NewGuid()}")).EnumerateArray());
    }

    [Fact]
    public async Task The_largest_period_the_schedule_accepts_is_answered_without_a_500()
    {
        // from and period are accepted up to 100,000: for a monthly group that is 8,333 years
        // ahead, past the last date .NET can represent.
        var g = await RoscaAsync(2);
        var response = await g.Chair.GetAsync(g.Path("schedule?from=100000&count=1"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"GET schedule?from=100000: {(int)response.StatusCode} {text} {App.Logs.Errors()}");
        var response2 = await g.Chair.GetAsync(g.Path("schedule?from=99900&count=400"));
        Assert.True((int)response2.StatusCode < 500, $"GET schedule?from=99900&count=400: {(int)response2.StatusCode}");
    }

    [Fact]
    public async Task A_bid_for_the_largest_period_accepted_is_answered_without_a_500()
    {
        var g = await RoscaAsync(2, Rosca(order: "bidding", pot: "gross"));
        var response = await g.BidAsync(g.ClientOf(g.Ids[1]), new { period = 100_000, discount = 1 });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"bid for period 100000: {(int)response.StatusCode} {text} {App.Logs.Errors()}");
        Assert.Equal(0, await GroupData.CountAsync("SELECT count(*) FROM rotation_bids WHERE group_id = $1", g.GroupId));
    }

    [Fact]
    public async Task Unknown_or_another_groups_payouts_are_404_and_nothing_is_written()
    {
        var g = await RoscaAsync(2, Rosca(pot: "gross"));
        var other = await ScheduleData.RoscaAsync(App, Clock, 2, Rosca(pot: "gross"));
        Clock.MoveTo(Opens(1));
        foreach (var m in g.Ids) await g.PayInAsync(m, 150_000);
        foreach (var m in other.Ids) await other.PayInAsync(m, 150_000);
        await g.RunAsync(Due(1));
        await other.RunAsync(Due(1));
        var othersPayout = await other.ReservedPayoutIdAsync(1);
        var mine = await g.ReservedPayoutIdAsync(1);
        var (writtenHere, writtenThere) = (await g.G.WrittenAsync(), await other.G.WrittenAsync());

        await g.ProblemAsync(await g.PayAsync(Guid.NewGuid()), HttpStatusCode.NotFound, "pay unknown");
        await g.ProblemAsync(await g.VoidAsync(Guid.NewGuid()), HttpStatusCode.NotFound, "void unknown");
        // The other group's payout through this group's route (this chair is not in that group).
        await g.ProblemAsync(await g.PayAsync(othersPayout), HttpStatusCode.NotFound, "pay another group's payout");
        await g.ProblemAsync(await g.VoidAsync(othersPayout), HttpStatusCode.NotFound, "void another group's payout");
        // Even an official of both groups cannot reach one group's payout through the other's route.
        var both = await GroupData.AddActiveAsync(App, other.Chair, other.GroupId, "treasurer");
        var added = await g.Chair.PostAsJsonAsync(g.Path("members"), new { phone = both.Phone });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var bothInG = await GroupData.AcceptInvitationAsync(both.Client, both.Phone);
        Assert.Equal(HttpStatusCode.NoContent, (await GroupData.RoleAsync(g.Chair, g.GroupId, bothInG, "treasurer")).StatusCode);
        writtenHere = await g.G.WrittenAsync();
        var crossed = await both.Client.PostAsync(other.Path($"payouts/{mine}/pay"), new { method = "cash" }, Guid.NewGuid().ToString());
        await other.ProblemAsync(crossed, HttpStatusCode.NotFound, "another group's payout id in this group's route");
        foreach (var path in new[] { "payouts/not-a-guid/pay", "payouts/123/void" })
        {
            var response = await g.Chair.PostAsync(g.Path(path), new { method = "cash", reason = "x" }, Guid.NewGuid().ToString());
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        Assert.Equal(writtenHere, await g.G.WrittenAsync());
        Assert.Equal(writtenThere, await other.G.WrittenAsync());
        Assert.Equal("reserved", (await g.PayoutForAsync(1))!.Value.GetProperty("status").GetString());
        Assert.Equal("reserved", (await other.PayoutForAsync(1))!.Value.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Outsiders_former_members_and_unknown_groups_get_404_and_the_signed_out_401_on_every_schedule_route()
    {
        var g = await RoscaAsync(3, Rosca(pot: "gross"));
        Clock.MoveTo(Opens(1));
        foreach (var m in g.Ids) await g.PayInAsync(m, 150_000);
        await g.RunAsync(Due(1));
        var payoutId = await g.ReservedPayoutIdAsync(1);

        var stranger = App.ApiClient();
        await TestData.SignedInAsync(stranger);
        var former = g.Members[2];
        Clock.MoveTo(Due(1).AddDays(1));
        // The last in the order has not received: they may leave (their turn goes).
        Assert.Equal(HttpStatusCode.NoContent, (await g.LeaveAsync(former.MemberId)).StatusCode);
        var anonymous = App.ApiClient();
        var state = await g.RotationStateAsync();
        var written = await g.G.WrittenAsync();

        foreach (var groupId in new[] { g.GroupId, Guid.NewGuid() })
        foreach (var (client, expected, who) in new[] { (stranger, HttpStatusCode.NotFound, "stranger"), (former.Client, HttpStatusCode.NotFound, "former member"),
                     (anonymous, HttpStatusCode.Unauthorized, "signed out") })
        {
            if (groupId != g.GroupId && client == former.Client) continue;
            foreach (var request in Requests(groupId, payoutId, g.Ids))
            {
                var what = $"{who} {request.Method} {request.RequestUri}";
                var response = await client.SendAsync(request);
                Assert.True(response.StatusCode == expected, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
        Assert.Equal(state, await g.RotationStateAsync());
        Assert.Equal(written, await g.G.WrittenAsync());
        Assert.Equal("reserved", (await g.PayoutForAsync(1))!.Value.GetProperty("status").GetString());
    }

    private static IEnumerable<HttpRequestMessage> Requests(Guid groupId, Guid payoutId, Guid[] ids)
    {
        var root = $"/api/v1/groups/{groupId}/";
        HttpRequestMessage Json(HttpMethod method, string path, object body)
        {
            var request = new HttpRequestMessage(method, root + path) { Content = JsonContent.Create(body) };
            request.Headers.TryAddWithoutValidation("Idempotency-Key", Guid.NewGuid().ToString());
            return request;
        }
        yield return new HttpRequestMessage(HttpMethod.Get, root + "schedule");
        yield return new HttpRequestMessage(HttpMethod.Get, root + "schedule?from=0");
        yield return new HttpRequestMessage(HttpMethod.Get, root + "obligations?period=1");
        yield return new HttpRequestMessage(HttpMethod.Get, root + "payouts");
        yield return new HttpRequestMessage(HttpMethod.Get, root + "rotation");
        yield return Json(HttpMethod.Put, "rotation", new { order = ids });
        yield return Json(HttpMethod.Put, "rotation/settings", new { payoutPolicy = "due_date" });
        yield return Json(HttpMethod.Post, "rotation/draw", new { });
        yield return Json(HttpMethod.Post, "rotation/bids", new { period = 2, discount = 1 });
        yield return Json(HttpMethod.Post, $"payouts/{payoutId}/pay", new { method = "cash" });
        yield return Json(HttpMethod.Post, $"payouts/{payoutId}/void", new { reason = "mine now" });
        yield return new HttpRequestMessage(HttpMethod.Post, root + $"payouts/{payoutId}/pay") { Content = new StringContent("{", Encoding.UTF8, "application/json") };
    }
}
