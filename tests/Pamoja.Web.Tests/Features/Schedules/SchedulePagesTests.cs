using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pamoja.Web.Features.Schedules;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Schedules;

/// The schedule, rotation and payouts pages, as a chair and a member use them without JavaScript.
public sealed partial class SchedulePagesTests : IAsyncLifetime
{
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    private PamojaFactory _app = null!;

    public async Task InitializeAsync() => _app = await ScheduleApp.CreateAsync(_clock);
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private void MoveTo(DateOnly date) =>
        _clock.Advance(new DateTimeOffset(date.ToDateTime(new TimeOnly(10, 0)), TimeSpan.Zero) - _clock.GetUtcNow());

    private async Task<HttpClient> BrowserAsync(string phone)
    {
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        browser.DefaultRequestHeaders.Add("X-Forwarded-For", TestData.Ip());
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.SubmitAsync(browser, "/account/sign-in",
            new Dictionary<string, string> { ["Input.Login"] = phone, ["Input.Password"] = TestData.Password })).StatusCode);
        return browser;
    }

    [Fact]
    public async Task A_chair_sets_the_order_sees_who_receives_and_a_treasurer_confirms_the_payout_once()
    {
        var chair = _app.ApiClient();
        var chairPhone = await TestData.SignedInAsync(chair);
        var groupId = await GroupData.CreateAsync(chair, GroupData.Stokvel("Pages Stokvel"));
        var chairMember = await GroupData.MyMemberIdAsync(chair, groupId);
        var (first, _, _) = await GroupData.AddActiveAsync(_app, chair, groupId);
        var (second, secondClient, secondPhone) = await GroupData.AddActiveAsync(_app, chair, groupId);

        // Order: first, chair, second — through the rotation page's form.
        var browser = await BrowserAsync(chairPhone);
        var rotationPage = await browser.GetStringAsync($"/groups/{groupId}/rotation");
        Assert.Contains("Set the order", rotationPage, StringComparison.Ordinal);
        var saved = await Forms.SubmitAsync(browser, $"/groups/{groupId}/rotation", new Dictionary<string, string>
        {
            [$"positions[{first}]"] = "1", [$"positions[{chairMember}]"] = "2", [$"positions[{second}]"] = "3",
        }, postPath: $"/groups/{groupId}/rotation?handler=Order");
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var schedule = await chair.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/schedule");
        Assert.Equal([first, chairMember, second], schedule.EnumerateArray().Take(3).Select(p => p.GetProperty("recipientMemberId").GetGuid()));

        // Period 1: the two payers pay (net pot), the engine reserves R3,000 for the first member.
        MoveTo(new DateOnly(2026, 12, 31));
        var g = new LedgerGroup(_app, chair, groupId, chairMember, TestDatabase.ConnectionString);
        Assert.Equal(HttpStatusCode.Created, (await g.ContributeAsync(chairMember)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await g.ContributeAsync(second)).StatusCode);
        MoveTo(new DateOnly(2027, 1, 1));
        await _app.Services.GetRequiredService<DailyEngines>().RunAsync(new DateOnly(2027, 1, 1), [groupId], CancellationToken.None);

        browser = await BrowserAsync(chairPhone);
        var schedulePage = await browser.GetStringAsync($"/groups/{groupId}/schedule");
        Assert.Contains("Payout ready", schedulePage, StringComparison.Ordinal);
        Assert.Contains("Who has paid for period 1", schedulePage, StringComparison.Ordinal);

        // A member sees the payouts but no buttons, and cannot post one.
        var memberBrowser = await BrowserAsync(secondPhone);
        var memberView = await memberBrowser.GetStringAsync($"/groups/{groupId}/payouts");
        Assert.Contains("Ready to pay", memberView, StringComparison.Ordinal);
        Assert.DoesNotContain("Confirm paid", memberView, StringComparison.Ordinal);
        var payoutId = (await chair.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/payouts"))[0].GetProperty("id").GetGuid();
        var forbidden = await Forms.SubmitAsync(memberBrowser, $"/groups/{groupId}/payouts",
            new Dictionary<string, string> { ["payoutId"] = payoutId.ToString(), ["method"] = "cash", ["token"] = Guid.NewGuid().ToString() },
            postPath: $"/groups/{groupId}/payouts?handler=Pay");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        // The chair (not the recipient) confirms; the same form sent twice pays once.
        var page = await browser.GetStringAsync($"/groups/{groupId}/payouts");
        var token = TokenPattern().Match(page).Groups[1].Value;
        var form = new Dictionary<string, string> { ["payoutId"] = payoutId.ToString(), ["method"] = "cash", ["token"] = token };
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.SubmitAsync(browser, $"/groups/{groupId}/payouts", form, postPath: $"/groups/{groupId}/payouts?handler=Pay")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.SubmitAsync(browser, $"/groups/{groupId}/payouts", form, postPath: $"/groups/{groupId}/payouts?handler=Pay")).StatusCode);
        var payouts = await chair.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/payouts");
        Assert.Equal("paid", payouts[0].GetProperty("status").GetString());
        Assert.Equal(300_000, payouts[0].GetProperty("amount").GetInt64());
        var journal = await chair.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/journal");
        Assert.Single(journal.EnumerateArray(), e => e.GetProperty("kind").GetString() == "payout_paid");
        _ = secondClient;
    }

    [Fact]
    public async Task A_lottery_group_shows_its_commitment_before_the_draw_and_the_proof_after()
    {
        var chair = _app.ApiClient();
        var chairPhone = await TestData.SignedInAsync(chair);
        var body = GroupData.Json(GroupData.Stokvel("Lottery Stokvel")).With("rotation.order", "\"lottery\"");
        var groupId = await GroupData.CreateAsync(chair, body);
        await GroupData.AddActiveAsync(_app, chair, groupId);
        await GroupData.AddActiveAsync(_app, chair, groupId);

        var browser = await BrowserAsync(chairPhone);
        var before = await browser.GetStringAsync($"/groups/{groupId}/rotation");
        var commitment = CommitmentPattern().Match(before).Groups[1].Value;
        Assert.Matches("^[0-9a-f]{64}$", commitment);

        var drawn = await Forms.SubmitAsync(browser, $"/groups/{groupId}/rotation", new Dictionary<string, string>(),
            postPath: $"/groups/{groupId}/rotation?handler=Draw");
        Assert.True(drawn.StatusCode == HttpStatusCode.Redirect, _app.Logs.Errors());
        var after = await browser.GetStringAsync($"/groups/{groupId}/rotation");
        Assert.Contains("SHA-256 of the seed equals the commitment", after, StringComparison.Ordinal);
        Assert.Contains(commitment, after, StringComparison.Ordinal);
        var rotation = await chair.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/rotation");
        Assert.Equal(commitment, rotation.GetProperty("cycles")[0].GetProperty("commitment").GetString());
        Assert.NotEqual(commitment, rotation.GetProperty("nextDraw").GetProperty("commitment").GetString());
    }

    [Fact]
    public async Task A_group_that_does_not_rotate_has_no_rotation_page_but_a_schedule()
    {
        var chair = _app.ApiClient();
        var chairPhone = await TestData.SignedInAsync(chair);
        var body = GroupData.Json(GroupData.Stokvel("Savings Chama")).With("kind", "\"asca\"").With("rotation", null);
        var groupId = await GroupData.CreateAsync(chair, body);
        var browser = await BrowserAsync(chairPhone);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/groups/{groupId}/rotation")).StatusCode);
        var schedule = await browser.GetStringAsync($"/groups/{groupId}/schedule");
        Assert.Contains("Periods", schedule, StringComparison.Ordinal);
        Assert.DoesNotContain("Receives", schedule, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"token\" value=\"([0-9a-f-]{36})\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("<code class=\"hash\">([0-9a-f]{64})</code>")]
    private static partial Regex CommitmentPattern();
}
