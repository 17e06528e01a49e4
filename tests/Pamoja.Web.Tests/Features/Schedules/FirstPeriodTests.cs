using System.Net;
using Pamoja.Web.Tests.Infrastructure;
using static Pamoja.Web.Tests.Infrastructure.ScheduleData;

namespace Pamoja.Web.Tests.Features.Schedules;

/// The group's first period opens whenever the group was created before it is due: obligations
/// open three days ahead, or on the day the group is created when that is later.
public sealed class FirstPeriodTests : ScheduleTestBase
{
    [Fact]
    public async Task A_group_created_a_month_ahead_opens_its_first_period_three_days_before_it_is_due()
    {
        var g = await RoscaAsync(3);
        Assert.Equal(0, (await g.RunAsync(Opens(1).AddDays(-1))).ObligationsOpened);
        Assert.Equal(2, (await g.RunAsync(Opens(1))).ObligationsOpened);
    }

    [Fact]
    public async Task A_group_created_the_day_before_its_start_still_collects_and_pays_out_its_first_period()
    {
        // Created on 31 December for a start on 1 January: inside the three lead days.
        Clock.MoveTo(Due(1).AddDays(-1));
        var g = await RoscaAsync(3);
        await g.SetOrderAsync(g.Ids);
        foreach (var m in g.Ids.Skip(1)) await g.PayInAsync(m, 150_000);

        var created = await g.RunAsync(Due(1).AddDays(-1));
        await g.RunAsync(Due(1));
        var obligations = await g.ObligationsAsync(1);
        Assert.True(obligations.GetArrayLength() == 2,
            $"period 1 of a group created on {Iso(Due(1).AddDays(-1))} has {obligations.GetArrayLength()} obligations (run opened {created.ObligationsOpened}); schedule: {await g.PeriodAsync(1)}");
        Assert.Equal(300_000, (await g.PayoutForAsync(1))!.Value.GetProperty("amount").GetInt64());
    }
}
