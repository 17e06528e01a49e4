using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Http;

/// Text that PostgreSQL cannot store (NUL), other control characters and numbers too large for
/// the arithmetic behind them: a 400 naming the field (a page shows the error), never a 500,
/// nothing written. ApiFuzzTests throws the same at every field; these pin down the cases the
/// security review found, one by one.
public sealed class HostileTextTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private const string HugeDecimal = "79228162514264337593543950335";

    private async Task AssertBadFieldAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode} {text} {_app.Logs.Errors()}");
        Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out _), $"expected errors.{field} in {text}");
    }

    private Task<HttpResponseMessage> PostRaw(HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    [Theory]
    [InlineData("a\\u0000@example.org")]
    [InlineData("\\u0000@")]
    [InlineData("a\\u0001b@example.org")]
    [InlineData("+254\\u0000712345678")]
    public async Task A_login_with_a_control_character_is_a_400_at_token_and_reset(string login)
    {
        await AssertBadFieldAsync(await PostRaw(_app.ApiClient(), "/api/v1/auth/token", $"{{\"login\":\"{login}\",\"password\":\"whatever password\"}}"), "login");
        await AssertBadFieldAsync(await PostRaw(_app.ApiClient(), "/api/v1/auth/password-reset", $"{{\"login\":\"{login}\"}}"), "login");
        await AssertBadFieldAsync(await PostRaw(_app.ApiClient(), "/api/v1/auth/password-reset/confirm",
            $"{{\"login\":\"{login}\",\"token\":\"ABCDE-FGHJK\",\"newPassword\":\"a long new passphrase 1\"}}"), "login");
    }

    [Theory]
    [InlineData("/account/sign-in", "Input.Login", "a\0@example.org")]
    [InlineData("/account/forgot-password", "Input.Login", "a\0@example.org")]
    [InlineData("/account/reset-password", "Input.Login", "a\0@example.org")]
    [InlineData("/account/register", "Input.Email", "a\0@example.org")]
    [InlineData("/account/register", "Input.FullName", "Nul\0Name")]
    public async Task Account_pages_show_an_error_for_control_characters_instead_of_failing(string page, string field, string value)
    {
        var fields = new Dictionary<string, string>
        {
            ["Input.Login"] = "someone@example.org",
            ["Input.Password"] = TestData.Password,
            ["Input.Code"] = "ABCDE-FGHJK",
            ["Input.NewPassword"] = "a long new passphrase 1",
            ["Input.Phone"] = TestData.Phone(),
            ["Input.FullName"] = "Page Member",
            [field] = value,
        };
        // Multipart: an urlencoded %00 is refused by the framework's form reader before any page code.
        var response = await Forms.SubmitAsync(_app.Browser(), page, fields, multipart: true);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()} {string.Join("\n", _app.Logs.Lines.TakeLast(30))}");
    }

    private async Task<(HttpClient Chair, string Phone)> ChairAsync()
    {
        var chair = _app.ApiClient();
        return (chair, await TestData.SignedInAsync(chair));
    }

    [Theory]
    [InlineData("rules", "\"Pay by the 1st.\\u0000\"")]
    [InlineData("rules", "\"bell \\u0007 in the rules\"")]
    [InlineData("meeting.location", "\"Soweto\\u0000hall\"")]
    [InlineData("meeting.location", "\"Soweto\\nhall\"")]
    [InlineData("name", "\"Umoja\\u0000\"")]
    [InlineData("timeZone", "\"Africa/Nairobi\\u0000\"")]
    [InlineData("lateFine.percent", HugeDecimal)]
    [InlineData("lateFine.percent", "-" + HugeDecimal)]
    [InlineData("lateFine.percent", "100.000000000000000000000001")]
    public async Task Group_settings_refuse_unstorable_text_and_overflowing_numbers(string field, string raw)
    {
        var (chair, _) = await ChairAsync();
        var body = GroupData.Json(GroupData.Stokvel("Hostile " + Guid.NewGuid().ToString("N")[..8])).With(field, raw);
        if (field == "lateFine.percent") body = body.With("lateFine.amount", null);
        await AssertBadFieldAsync(await chair.PostJsonAsync("/api/v1/groups", body), field);

        var groupId = await GroupData.CreateAsync(chair);
        var before = await GroupData.RowCountsAsync(groupId);
        await AssertBadFieldAsync(await chair.PutJsonAsync($"/api/v1/groups/{groupId}/settings", body), field);
        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
    }

    [Fact]
    public async Task Rules_keep_their_line_breaks_and_tabs()
    {
        var (chair, _) = await ChairAsync();
        var rules = "1. Pay by the 1st.\n2. Fines:\tKES 50.\r\n3. Be kind.";
        var groupId = await GroupData.CreateAsync(chair, GroupData.Json(GroupData.Stokvel()).With("rules", JsonSerializer.Serialize(rules)));
        Assert.Equal(rules, (await GroupData.GetAsync(chair, groupId)).GetProperty("rules").GetString());
    }

    [Fact]
    public async Task A_status_change_reason_with_a_NUL_is_a_400_and_changes_nothing()
    {
        var (chair, _) = await ChairAsync();
        var groupId = await GroupData.CreateAsync(chair);
        var (memberId, _, _) = await GroupData.AddActiveAsync(_app, chair, groupId);
        var before = await GroupData.RowCountsAsync(groupId);
        await AssertBadFieldAsync(await PostRaw(chair, $"/api/v1/groups/{groupId}/members/{memberId}/suspend", "{\"reason\":\"late\\u0000\"}"), "reason");
        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
        Assert.Equal("active", (await GroupData.MemberAsync(chair, groupId, memberId)).GetProperty("status").GetString());

        // A reason over several lines is fine.
        Assert.Equal(HttpStatusCode.NoContent, (await PostRaw(chair, $"/api/v1/groups/{groupId}/members/{memberId}/suspend", "{\"reason\":\"Missed:\\n- March\\n- April\"}")).StatusCode);
    }

    [Fact]
    public async Task Invitation_and_join_text_with_a_NUL_is_a_400()
    {
        var (chair, _) = await ChairAsync();
        var name = "Hostile Invite " + Guid.NewGuid().ToString("N")[..8];
        var groupId = await GroupData.CreateAsync(chair, GroupData.Stokvel(name));
        var phone = TestData.Phone();
        var memberId = await GroupData.InviteAsync(chair, groupId, phone);
        var token = await GroupData.InvitationTokenAsync(phone, name);

        await AssertBadFieldAsync(await PostRaw(_app.ApiClient(), "/api/v1/invitations/accept",
            $"{{\"token\":\"{token}\",\"fullName\":\"Amina\\u0000\",\"password\":\"a long new passphrase 1\"}}"), "fullName");
        Assert.Equal("invited", (await GroupData.MemberAsync(chair, groupId, memberId)).GetProperty("status").GetString());
        Assert.Equal(0, await GroupData.CountAsync("SELECT count(*) FROM users WHERE user_name = $1", phone));

        await AssertBadFieldAsync(await PostRaw(chair, "/api/v1/groups/" + groupId + "/members", $"{{\"phone\":\"{TestData.Phone()}\",\"fullName\":\"x\\u0000\"}}"), "fullName");
        var joiner = _app.ApiClient();
        await TestData.SignedInAsync(joiner);
        await AssertBadFieldAsync(await PostRaw(joiner, "/api/v1/groups/join", "{\"code\":\"ABCD\\u0000EFG\"}"), "code");
    }

    [Fact]
    public async Task Group_pages_show_errors_for_NUL_text_and_huge_percentages()
    {
        var (chair, phone) = await ChairAsync();
        var browser = await _app.SignedInBrowserAsync(phone);
        var form = new Dictionary<string, string>
        {
            ["Input.Name"] = "Page Hostile Group",
            ["Input.Currency"] = "KES",
            ["Input.ContributionAmount"] = "1000",
            ["Input.Frequency"] = "monthly",
            ["Input.StartsOn"] = "2027-01-01",
            ["Input.MaxMembers"] = "10",
            ["Input.RotationOrder"] = "fixed",
            ["Input.Pot"] = "net",
            ["Input.GraceDays"] = "0",
        };
        foreach (var (field, value) in new[]
                 {
                     ("Input.LateFinePercent", HugeDecimal), ("Input.Rules", "rules\0"), ("Input.MeetingLocation", "hall\0"),
                     ("Input.Name", "Name\0"), ("Input.TimeZone", "Africa/Nairobi\0"),
                 })
        {
            var response = await Forms.SubmitAsync(browser, "/groups/new?kind=rosca", new Dictionary<string, string>(form) { [field] = value }, multipart: true);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{field}: {(int)response.StatusCode} {_app.Logs.Errors()}");
        }

        var groupId = await GroupData.CreateAsync(chair);
        var members = await Forms.SubmitAsync(browser, $"/groups/{groupId}/members", new Dictionary<string, string>
        {
            ["NewMember.Phone"] = TestData.Phone(),
            ["NewMember.FullName"] = "Nul\0Name",
        }, $"/groups/{groupId}/members?handler=Add", multipart: true);
        Assert.True(members.StatusCode == HttpStatusCode.OK, $"{(int)members.StatusCode} {_app.Logs.Errors()}");
        var join = await Forms.SubmitAsync(browser, "/groups/join", new Dictionary<string, string> { ["Code"] = "ABCD\0EFG" }, multipart: true);
        Assert.True(join.StatusCode == HttpStatusCode.OK, $"{(int)join.StatusCode} {_app.Logs.Errors()}");
    }
}
