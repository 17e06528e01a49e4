using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Ledger;

/// The treasurer's meeting screen: many payments on one page, only ticked members recorded, and
/// a form sent twice records nothing twice.
public sealed partial class MeetingPageTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Only_ticked_rows_are_recorded_and_a_resubmit_records_nothing_twice()
    {
        var chair = _app.ApiClient();
        var chairPhone = await TestData.SignedInAsync(chair);
        var groupId = await GroupData.CreateAsync(chair);
        var (paying, _, _) = await GroupData.AddActiveAsync(_app, chair, groupId);
        var (notPaying, _, _) = await GroupData.AddActiveAsync(_app, chair, groupId);

        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        browser.DefaultRequestHeaders.Add("X-Forwarded-For", TestData.Ip());
        Assert.Equal(HttpStatusCode.Redirect, (await Forms.SubmitAsync(browser, "/account/sign-in",
            new Dictionary<string, string> { ["Input.Login"] = chairPhone, ["Input.Password"] = TestData.Password })).StatusCode);

        var page = await browser.GetStringAsync($"/groups/{groupId}/meeting");
        var rows = RowPattern().Matches(page).Select(m => (Index: m.Groups[1].Value, MemberId: Guid.Parse(m.Groups[2].Value))).ToList();
        Assert.Equal(3, rows.Count); // the chair and the two members
        var batchToken = BatchTokenPattern().Match(page).Groups[1].Value;
        Assert.NotEmpty(batchToken);

        // The UTC date is never after today in Johannesburg (UTC+2), the stokvel's time zone.
        var form = new Dictionary<string, string> { ["BatchToken"] = batchToken, ["MeetingDate"] = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) };
        foreach (var (index, memberId) in rows)
        {
            form[$"Rows[{index}].MemberId"] = memberId.ToString();
            form[$"Rows[{index}].Amount"] = "1500.00"; // prefilled for everyone
            form[$"Rows[{index}].Method"] = "cash";
            if (memberId == paying) form[$"Rows[{index}].Paid"] = "true";
        }
        form["__RequestVerificationToken"] = await Forms.TokenAsync(browser, $"/groups/{groupId}/meeting");

        var first = await browser.PostAsync($"/groups/{groupId}/meeting", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var second = await browser.PostAsync($"/groups/{groupId}/meeting", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);

        var journal = await chair.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/journal");
        Assert.Equal(1, journal.GetArrayLength());
        var balances = await chair.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/balances");
        var members = balances.GetProperty("members").EnumerateArray().ToDictionary(m => m.GetProperty("memberId").GetGuid(), m => m.GetProperty("contributed").GetInt64());
        Assert.Equal(150000, members[paying]);
        Assert.Equal(0, members[notPaying]);
    }

    [GeneratedRegex("name=\"Rows\\[(\\d+)\\]\\.MemberId\" value=\"([0-9a-f-]{36})\"")]
    private static partial Regex RowPattern();

    [GeneratedRegex("name=\"BatchToken\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"BatchToken\"")]
    private static partial Regex BatchTokenPattern();
}
