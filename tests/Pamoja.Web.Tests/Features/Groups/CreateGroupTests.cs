using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Groups;

/// POST /api/v1/groups for each kind: 201, the settings as given, the creator as active chair,
/// one rules version and the audit entries, on PostgreSQL.
public sealed class CreateGroupTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpClient Client, Guid UserId, string Phone)> ChairAsync()
    {
        var client = _app.ApiClient();
        var phone = await TestData.SignedInAsync(client);
        return (client, await GroupData.MyIdAsync(client), phone);
    }

    private async Task<JsonElement> CreatedAsync(HttpClient client, object body)
    {
        var response = await client.PostJsonAsync("/api/v1/groups", body as System.Text.Json.Nodes.JsonObject ?? GroupData.Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode} {await response.Content.ReadAsStringAsync()} {_app.Logs.Errors()}");
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/groups/{id}", response.Headers.Location?.OriginalString);
        return created;
    }

    [Fact]
    public async Task A_rotating_group_is_created_with_every_setting_and_its_creator_as_active_chair()
    {
        var (chair, userId, phone) = await ChairAsync();
        var created = await CreatedAsync(chair, GroupData.Stokvel("Umoja Rosca"));
        var groupId = created.GetProperty("id").GetGuid();

        var view = await GroupData.GetAsync(chair, groupId);
        Assert.Equal(created.GetProperty("id").GetGuid(), view.GetProperty("id").GetGuid());
        Assert.Equal("Umoja Rosca", view.GetProperty("name").GetString());
        Assert.Equal("rosca", view.GetProperty("kind").GetString());
        Assert.Equal("ZAR", view.GetProperty("currency").GetString());
        Assert.Equal("Africa/Johannesburg", view.GetProperty("timeZone").GetString());
        Assert.Equal("2027-01-01", view.GetProperty("startsOn").GetString());
        Assert.Equal(10, view.GetProperty("maxMembers").GetInt32());
        Assert.Equal(150000, view.GetProperty("contribution").GetProperty("amount").GetInt64());
        Assert.Equal("monthly", view.GetProperty("contribution").GetProperty("frequency").GetString());
        Assert.Equal("fixed", view.GetProperty("rotation").GetProperty("order").GetString());
        Assert.Equal("net", view.GetProperty("rotation").GetProperty("pot").GetString());
        Assert.Equal(0, view.GetProperty("registrationFee").GetInt64());
        Assert.Equal(5000, view.GetProperty("lateFine").GetProperty("amount").GetInt64());
        Assert.Equal(0m, view.GetProperty("lateFine").GetProperty("percent").GetDecimal());
        Assert.Equal(3, view.GetProperty("lateFine").GetProperty("graceDays").GetInt32());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("shares").ValueKind);
        Assert.Equal("Pay by the 1st.", view.GetProperty("rules").GetString());
        Assert.Equal("saturday", view.GetProperty("meeting").GetProperty("day").GetString());
        Assert.Equal("14:00", view.GetProperty("meeting").GetProperty("time").GetString());
        Assert.Equal("Soweto community hall", view.GetProperty("meeting").GetProperty("location").GetString());
        Assert.Equal(1, view.GetProperty("memberCount").GetInt32());
        Assert.Equal(1, view.GetProperty("revision").GetInt32());
        Assert.Equal("chair", view.GetProperty("myRole").GetString());
        Assert.Matches("^[A-Z2-9]{8}$", view.GetProperty("inviteCode").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("upcomingRules").ValueKind);
        var history = view.GetProperty("rulesHistory");
        Assert.Equal(1, history.GetArrayLength());
        Assert.Equal(1, history[0].GetProperty("version").GetInt32());
        Assert.Equal("2027-01-01", history[0].GetProperty("effectiveFrom").GetString());

        var members = await GroupData.MembersAsync(chair, groupId);
        var me = Assert.Single(members.EnumerateArray());
        Assert.Equal(view.GetProperty("myMemberId").GetGuid(), me.GetProperty("memberId").GetGuid());
        Assert.Equal(userId, me.GetProperty("userId").GetGuid());
        Assert.Equal(phone, me.GetProperty("phone").GetString());
        Assert.Equal("Test Member", me.GetProperty("fullName").GetString());
        Assert.Equal("chair", me.GetProperty("role").GetString());
        Assert.Equal("active", me.GetProperty("status").GetString());

        var mine = await chair.GetFromJsonAsync<JsonElement>("/api/v1/groups");
        var summary = Assert.Single(mine.EnumerateArray());
        Assert.Equal(groupId, summary.GetProperty("id").GetGuid());
        Assert.Equal("chair", summary.GetProperty("role").GetString());
        Assert.Equal("active", summary.GetProperty("status").GetString());

        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM groups WHERE created_by = $1", userId));
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM group_rules WHERE group_id = $1 AND version = 1 AND effective_from = '2027-01-01' AND contribution_amount = 150000 AND rotation_order = 'fixed' AND rotation_pot = 'net'", groupId));
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM group_members WHERE group_id = $1 AND user_id = $2 AND role = 'chair' AND status = 'active' AND joined_on IS NOT NULL", groupId, userId));
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM audit_log WHERE group_id = $1 AND action = 'group.created' AND actor_user_id = $2", groupId, userId));
    }

    [Theory]
    [InlineData("fixed", "gross")]
    [InlineData("lottery", "net")]
    [InlineData("bidding", "gross")]
    public async Task Every_rotation_order_and_pot_rule_is_accepted(string order, string pot)
    {
        var (chair, _, _) = await ChairAsync();
        var body = GroupData.Json(GroupData.Stokvel()).With("rotation", $"{{\"order\":\"{order}\",\"pot\":\"{pot}\"}}");
        var view = await GroupData.GetAsync(chair, (await CreatedAsync(chair, body)).GetProperty("id").GetGuid());
        Assert.Equal(order, view.GetProperty("rotation").GetProperty("order").GetString());
        Assert.Equal(pot, view.GetProperty("rotation").GetProperty("pot").GetString());
    }

    [Fact]
    public async Task An_accumulating_group_has_no_rotation_and_keeps_its_fees_and_percentage_fine()
    {
        var (chair, _, _) = await ChairAsync();
        var body = new
        {
            name = "Wanjiku Savings Chama", kind = "asca", currency = "KES",
            contribution = new { amount = 100000, frequency = "weekly" },
            startsOn = "2027-02-01", maxMembers = 30, registrationFee = 50000,
            lateFine = new { percent = 2.5, graceDays = 7 },
        };
        var view = await GroupData.GetAsync(chair, (await CreatedAsync(chair, body)).GetProperty("id").GetGuid());
        Assert.Equal("asca", view.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("rotation").ValueKind);
        Assert.Equal(JsonValueKind.Null, view.GetProperty("shares").ValueKind);
        Assert.Equal(JsonValueKind.Null, view.GetProperty("meeting").ValueKind);
        Assert.Equal("", view.GetProperty("rules").GetString());
        Assert.Equal(100000, view.GetProperty("contribution").GetProperty("amount").GetInt64());
        Assert.Equal("weekly", view.GetProperty("contribution").GetProperty("frequency").GetString());
        Assert.Equal(50000, view.GetProperty("registrationFee").GetInt64());
        Assert.Equal(0, view.GetProperty("lateFine").GetProperty("amount").GetInt64());
        Assert.Equal(2.5m, view.GetProperty("lateFine").GetProperty("percent").GetDecimal());
        Assert.Equal(7, view.GetProperty("lateFine").GetProperty("graceDays").GetInt32());
        Assert.Equal(250, (int)(await GroupData.ScalarAsync("SELECT late_fine_bps FROM group_rules WHERE group_id = $1", view.GetProperty("id").GetGuid()))!);
    }

    [Fact]
    public async Task A_VSLA_sells_1_to_5_shares_by_default()
    {
        var (chair, _, _) = await ChairAsync();
        var body = new
        {
            name = "Tuinuane VSLA", kind = "vsla", currency = "UGX",
            contribution = new { amount = 2000, frequency = "weekly" }, startsOn = "2027-01-04", maxMembers = 25,
        };
        var view = await GroupData.GetAsync(chair, (await CreatedAsync(chair, body)).GetProperty("id").GetGuid());
        Assert.Equal("vsla", view.GetProperty("kind").GetString());
        Assert.Equal(1, view.GetProperty("shares").GetProperty("min").GetInt32());
        Assert.Equal(5, view.GetProperty("shares").GetProperty("max").GetInt32());
        Assert.Equal(2000, view.GetProperty("contribution").GetProperty("amount").GetInt64());
        Assert.Equal("Africa/Kampala", view.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task A_VSLA_keeps_custom_share_limits()
    {
        var (chair, _, _) = await ChairAsync();
        var body = new
        {
            name = "Twekembe VSLA", kind = "vsla", currency = "RWF",
            contribution = new { amount = 500, frequency = "biweekly" }, startsOn = "2027-01-04", maxMembers = 30,
            shares = new { min = 2, max = 4 },
        };
        var view = await GroupData.GetAsync(chair, (await CreatedAsync(chair, body)).GetProperty("id").GetGuid());
        Assert.Equal(2, view.GetProperty("shares").GetProperty("min").GetInt32());
        Assert.Equal(4, view.GetProperty("shares").GetProperty("max").GetInt32());
        Assert.Equal("biweekly", view.GetProperty("contribution").GetProperty("frequency").GetString());
    }

    [Fact]
    public async Task A_cooperative_without_a_contribution_pays_every_15_days()
    {
        var (chair, _, _) = await ChairAsync();
        var body = new { name = "Imbuto Dairy Cooperative", kind = "cooperative", currency = "RWF", startsOn = "2027-01-01", maxMembers = 500 };
        var view = await GroupData.GetAsync(chair, (await CreatedAsync(chair, body)).GetProperty("id").GetGuid());
        Assert.Equal("cooperative", view.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("contribution").GetProperty("amount").ValueKind);
        Assert.Equal("semimonthly", view.GetProperty("contribution").GetProperty("frequency").GetString());
        Assert.Equal(500, view.GetProperty("maxMembers").GetInt32());
        Assert.Equal("semimonthly", (string)(await GroupData.ScalarAsync("SELECT frequency FROM group_rules WHERE group_id = $1", view.GetProperty("id").GetGuid()))!);
    }

    [Fact]
    public async Task Every_N_days_keeps_N()
    {
        var (chair, _, _) = await ChairAsync();
        var body = GroupData.Json(GroupData.Stokvel()).With("contribution", "{\"amount\":10000,\"frequency\":\"days\",\"everyDays\":10}");
        var view = await GroupData.GetAsync(chair, (await CreatedAsync(chair, body)).GetProperty("id").GetGuid());
        Assert.Equal("days", view.GetProperty("contribution").GetProperty("frequency").GetString());
        Assert.Equal(10, view.GetProperty("contribution").GetProperty("everyDays").GetInt32());
    }

    [Theory]
    [InlineData("KES", "Africa/Nairobi")]
    [InlineData("ZAR", "Africa/Johannesburg")]
    [InlineData("NGN", "Africa/Lagos")]
    [InlineData("RWF", "Africa/Kigali")]
    [InlineData("GBP", "Europe/London")]
    public async Task The_time_zone_defaults_from_the_currency(string currency, string timeZone)
    {
        var (chair, _, _) = await ChairAsync();
        var body = GroupData.Json(GroupData.Stokvel()).With("currency", $"\"{currency}\"");
        var view = await GroupData.GetAsync(chair, (await CreatedAsync(chair, body)).GetProperty("id").GetGuid());
        Assert.Equal(currency, view.GetProperty("currency").GetString());
        Assert.Equal(timeZone, view.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task A_given_time_zone_wins_over_the_default()
    {
        var (chair, _, _) = await ChairAsync();
        var body = GroupData.Json(GroupData.Stokvel()).With("currency", "\"GBP\"").With("timeZone", "\"Africa/Lagos\"");
        var view = await GroupData.GetAsync(chair, (await CreatedAsync(chair, body)).GetProperty("id").GetGuid());
        Assert.Equal("Africa/Lagos", view.GetProperty("timeZone").GetString());
    }

    [Fact]
    public async Task A_start_date_in_the_past_is_accepted_for_a_group_moving_onto_Pamoja()
    {
        var (chair, _, _) = await ChairAsync();
        var body = GroupData.Json(GroupData.Stokvel()).With("startsOn", "\"2024-03-15\"");
        var view = await GroupData.GetAsync(chair, (await CreatedAsync(chair, body)).GetProperty("id").GetGuid());
        Assert.Equal("2024-03-15", view.GetProperty("startsOn").GetString());
        Assert.Equal("2024-03-15", view.GetProperty("rulesHistory")[0].GetProperty("effectiveFrom").GetString());
        Assert.Equal(150000, view.GetProperty("contribution").GetProperty("amount").GetInt64());

        var earliest = GroupData.Json(GroupData.Stokvel()).With("startsOn", "\"2000-01-01\"");
        await CreatedAsync(chair, earliest);
    }

    [Fact]
    public async Task The_boundaries_of_the_limits_are_accepted()
    {
        var (chair, _, _) = await ChairAsync();
        await CreatedAsync(chair, GroupData.Json(GroupData.Stokvel()).With("maxMembers", "2").With("name", "\"Ab\""));
        await CreatedAsync(chair, GroupData.Json(GroupData.Stokvel()).With("maxMembers", "500").With("name", $"\"{new string('n', 100)}\""));
        await CreatedAsync(chair, GroupData.Json(GroupData.Stokvel()).With("contribution.amount", "1000000000000").With("lateFine", "{\"percent\":100,\"graceDays\":60}"));
        await CreatedAsync(chair, GroupData.Json(GroupData.Stokvel()).With("rules", $"\"{new string('r', 10_000)}\"").With("lateFine", "{\"percent\":0.01}"));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await CreatedAsync(chair, GroupData.Json(GroupData.Stokvel()).With("startsOn", $"\"{today.AddYears(2).AddDays(-1):yyyy-MM-dd}\""));
    }

    [Fact]
    public async Task One_person_can_create_several_groups_and_the_list_shows_them_all()
    {
        var (chair, userId, _) = await ChairAsync();
        var a = (await CreatedAsync(chair, GroupData.Stokvel("Alpha Stokvel"))).GetProperty("id").GetGuid();
        var b = (await CreatedAsync(chair, GroupData.Stokvel("Beta Stokvel"))).GetProperty("id").GetGuid();
        var mine = await chair.GetFromJsonAsync<JsonElement>("/api/v1/groups");
        Assert.Equal([a, b], mine.EnumerateArray().Select(g => g.GetProperty("id").GetGuid()));
        Assert.NotEqual((await GroupData.GetAsync(chair, a)).GetProperty("inviteCode").GetString(), (await GroupData.GetAsync(chair, b)).GetProperty("inviteCode").GetString());
        Assert.Equal(2, await GroupData.CountAsync("SELECT count(*) FROM groups WHERE created_by = $1", userId));
    }

    [Fact]
    public async Task Creating_needs_a_signed_in_caller()
    {
        var anonymous = _app.ApiClient();
        var response = await anonymous.PostAsJsonAsync("/api/v1/groups", GroupData.Stokvel());
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/groups")).StatusCode);
    }
}
