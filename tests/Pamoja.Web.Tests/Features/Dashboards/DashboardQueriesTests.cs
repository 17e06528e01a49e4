using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pamoja.Core.Groups;
using Pamoja.Web.Features.Dashboards;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Tests.Infrastructure;
using static Pamoja.Web.Tests.Infrastructure.ScheduleData;

namespace Pamoja.Web.Tests.Features.Dashboards;

/// The dashboards' numbers for a group whose history is known: a R1,500 net-pot stokvel of three
/// (order: a, chair, late), where the chair paid period 1 and "late" did not and was fined.
public sealed class DashboardQueriesTests : ScheduleTestBase
{
    private async Task<(RoscaGroup G, Guid A, Guid Late)> KnownGroupAsync()
    {
        var g = await RoscaAsync(3);
        var (a, late) = (g.Ids[1], g.Ids[2]);
        await g.SetOrderAsync([a, g.ChairId, late]);
        await g.RunAsync(Opens(1));                // 29 Dec: period 1 opens for the chair and late
        Clock.MoveTo(Opens(1).AddDays(1));
        await g.PayInAsync(g.ChairId, 150_000);     // 30 Dec
        await g.RunAsync(Due(1).AddDays(4));        // 5 Jan: the grace days are over, late is fined R50
        return (g, a, late);
    }

    private async Task<GroupDashboard> DashboardOfAsync(RoscaGroup g, Guid memberId, GroupRole role)
    {
        using var scope = App.Services.CreateScope();
        var userId = (Guid)(await GroupData.ScalarAsync("SELECT user_id FROM group_members WHERE id = $1", memberId))!;
        return await scope.ServiceProvider.GetRequiredService<DashboardQueries>()
            .GroupAsync(new GroupContext(g.GroupId, memberId, userId, role), CancellationToken.None);
    }

    [Fact]
    public async Task An_official_sees_the_collection_rate_arrears_pool_and_payouts_of_known_data()
    {
        var (g, a, late) = await KnownGroupAsync();
        var invited = await GroupData.InviteAsync(g.Chair, g.GroupId, TestData.Phone(), "Zawadi Mwangi");

        var d = await DashboardOfAsync(g, g.ChairId, GroupRole.Chair);
        var o = Assert.IsType<OfficialView>(d.Official);

        // Period 1: two payers (a receives, net pot), R1,500 each; one has paid.
        var rate = Assert.IsType<CollectionRate>(o.Rate);
        Assert.Equal((1, Due(1), 300_000L, 150_000L, 2, 1, 50), (rate.Period, rate.DueOn, rate.Due, rate.Collected, rate.Members, rate.MembersPaid, rate.Percent));

        var arrears = Assert.Single(o.Arrears);
        Assert.Equal((late, 150_000L, 1), (arrears.MemberId, arrears.Overdue, arrears.Periods));

        // The fine is owed by the member, not money in the pool.
        Assert.Equal(150_000, o.Pool);
        var point = Assert.Single(o.PoolChart.Points);
        Assert.Equal(new ChartPoint("30 Dec 2026", 150_000), point);

        // a's payout waits for late's money; then the chair in February, late in March.
        Assert.Equal([(1, a, "overdue"), (2, g.ChairId, "upcoming"), (3, late, "upcoming")],
            o.UpcomingPayouts.Select(p => (p.Period, p.RecipientId, p.Status)));

        Assert.Equal(invited, Assert.Single(o.Pending.Invited).MemberId);
        Assert.Empty(o.Pending.JoinRequests);
        Assert.Empty(o.Pending.PayoutsToConfirm);
        Assert.Empty(o.Pending.Exceptions);

        // The chair's own position: paid R1,500; receives in period 2 (net pot: pays nothing for
        // it), so the next payment expected is period 3's.
        Assert.Equal(150_000, d.Me.Balance);
        Assert.Equal(new NextDue(Due(3), 150_000, false, true, 1), d.Me.NextDue);
    }

    [Fact]
    public async Task A_member_sees_their_balance_what_is_due_and_who_is_paid_next_but_nothing_of_the_others()
    {
        var (g, a, late) = await KnownGroupAsync();

        var lateView = await DashboardOfAsync(g, late, GroupRole.Member);
        Assert.Null(lateView.Official);
        Assert.Equal(-5_000, lateView.Me.Balance); // the fine
        Assert.Equal(new NextDue(Due(1), 150_000, true, false, 1), lateView.Me.NextDue);
        Assert.False(lateView.Me.NextPayout!.IsMe);
        Assert.Equal((1, a), (lateView.Me.NextPayout.Period, lateView.Me.NextPayout.RecipientId));
        // History as bars from the first month late's money moved: the fine in January.
        Assert.Equal(ChartKind.Bars, lateView.Me.History.Kind);
        Assert.Equal([new ChartPoint("Jan 2027", -5_000)], lateView.Me.History.Points);

        // a receives in period 1 (net pot: pays nothing for it); a's next payment is period 2's.
        var aView = await DashboardOfAsync(g, a, GroupRole.Member);
        Assert.Equal(0, aView.Me.Balance);
        Assert.Equal(new NextDue(Due(2), 150_000, false, true, 1), aView.Me.NextDue);
        Assert.True(aView.Me.NextPayout!.IsMe);
        Assert.Empty(aView.Me.History.Points);

        // The chair paid in December; January, the month of today, shows as nothing.
        var chair = await DashboardOfAsync(g, g.ChairId, GroupRole.Chair);
        Assert.Equal([new ChartPoint("Dec 2026", 150_000), new ChartPoint("Jan 2027", 0)], chair.Me.History.Points);
    }

    [Fact]
    public async Task Money_paid_ahead_moves_the_next_due_date_on()
    {
        var (g, a, late) = await KnownGroupAsync();
        // a pays R1,500 on 5 January, before period 2 opens (a pays in periods 2 and 3).
        await g.PayInAsync(a, 150_000);
        var aView = await DashboardOfAsync(g, a, GroupRole.Member);
        Assert.Equal(150_000, aView.Me.Balance);
        Assert.Equal(new NextDue(Due(3), 150_000, false, true, 1), aView.Me.NextDue);

        // Part of a period ahead: only the rest is shown as due.
        await g.PayInAsync(a, 50_000);
        aView = await DashboardOfAsync(g, a, GroupRole.Member);
        Assert.Equal(new NextDue(Due(3), 100_000, false, true, 1), aView.Me.NextDue);
        Assert.Equal(new NextDue(Due(1), 150_000, true, false, 1), (await DashboardOfAsync(g, late, GroupRole.Member)).Me.NextDue);
    }

    [Fact]
    public async Task The_pages_show_the_official_and_member_dashboards_with_charts_and_their_tables()
    {
        var (g, _, late) = await KnownGroupAsync();

        var chairBrowser = await BrowserAsync(g.Member(g.ChairId).Phone);
        var page = await chairBrowser.GetStringAsync($"/groups/{g.GroupId}/dashboard");
        Assert.Contains("Arrears", page, StringComparison.Ordinal);
        Assert.Contains("value=\"50\"", page, StringComparison.Ordinal); // the collection meter
        Assert.Contains("role=\"img\"", page, StringComparison.Ordinal);
        Assert.Contains("<title id=\"chart-pool-title\">", page, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">30 Dec 2026</th>", page, StringComparison.Ordinal); // the pool chart's table
        Assert.Contains($"href=\"/groups/{g.GroupId}/meeting\"", page, StringComparison.Ordinal);

        var memberBrowser = await BrowserAsync(g.Member(late).Phone);
        var mine = await memberBrowser.GetStringAsync($"/groups/{g.GroupId}/dashboard");
        Assert.DoesNotContain("Arrears", mine, StringComparison.Ordinal);
        Assert.DoesNotContain("chart-pool", mine, StringComparison.Ordinal);
        Assert.Contains("My position", mine, StringComparison.Ordinal);
        Assert.Contains("Overdue", mine, StringComparison.Ordinal);
        Assert.DoesNotContain($"href=\"/groups/{g.GroupId}/meeting\"", mine, StringComparison.Ordinal); // no menu link to a page they cannot use

        // Home: the member's card for the group, with the history chart and its table.
        var home = await memberBrowser.GetStringAsync("/");
        Assert.Contains($"href=\"/groups/{g.GroupId}/dashboard\"", home, StringComparison.Ordinal);
        Assert.Contains("-ZAR 50.00", home, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">Jan 2027</th>", home, StringComparison.Ordinal);
    }

    private async Task<HttpClient> BrowserAsync(string phone)
    {
        var browser = App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        browser.DefaultRequestHeaders.Add("X-Forwarded-For", TestData.Ip());
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.SubmitAsync(browser, "/account/sign-in",
            new Dictionary<string, string> { ["Input.Login"] = phone, ["Input.Password"] = TestData.Password })).StatusCode);
        return browser;
    }
}
