using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Groups;

/// "Today" for a group is the date where the group lives, also when it is created: at 22:30
/// UTC on 1 March it is already 2 March in Nairobi. On a clock the test sets.
public sealed partial class GroupTodayTests : IAsyncLifetime
{
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 3, 1, 22, 30, 0, TimeSpan.Zero));
    private PamojaFactory _app = null!;

    public async Task InitializeAsync() => _app = await PamojaFactory.CreateAsync(_clock);
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task The_start_date_limit_counts_from_today_in_the_groups_time_zone()
    {
        var chair = _app.ApiClient();
        await TestData.SignedInAsync(chair);
        // Two years from today in Nairobi (2 March 2026); from UTC's today it would be a day too far.
        var body = GroupData.Json(GroupData.Stokvel()).With("currency", "\"KES\"").With("startsOn", "\"2028-03-02\"");
        var created = await chair.PostJsonAsync("/api/v1/groups", body);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());

        var tooFar = await chair.PostJsonAsync("/api/v1/groups", body.With("startsOn", "\"2028-03-03\""));
        Assert.Equal(HttpStatusCode.BadRequest, tooFar.StatusCode);
        Assert.True((await TestData.ProblemAsync(tooFar)).GetProperty("errors").TryGetProperty("startsOn", out _));

        // And where the day has not turned yet, the day before is today.
        var london = await chair.PostJsonAsync("/api/v1/groups", body.With("currency", "\"GBP\"").With("startsOn", "\"2028-03-02\""));
        Assert.Equal(HttpStatusCode.BadRequest, london.StatusCode);
    }

    [Fact]
    public async Task The_new_group_form_suggests_today_in_the_default_time_zone()
    {
        var chair = _app.ApiClient();
        var phone = await TestData.SignedInAsync(chair);
        var browser = await _app.SignedInBrowserAsync(phone);
        var html = await browser.GetStringAsync("/groups/new?kind=rosca");
        Assert.Equal("2026-03-02", StartsOn().Match(html).Groups[1].Value); // the form's currency is KES: Nairobi
        Assert.Contains("value=\"KES\"", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"Input.StartsOn\"[^>]*value=\"([0-9-]+)\"|value=\"([0-9-]+)\"[^>]*name=\"Input.StartsOn\"")]
    private static partial Regex StartsOn();
}
