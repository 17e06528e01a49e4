using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Groups;

/// One signed-in person for the whole class: every invalid request below must leave them with
/// no group, no rules, no membership and no audit entry.
public sealed class GroupCreatorFixture : IAsyncLifetime
{
    public PamojaFactory App { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;
    public Guid UserId { get; private set; }

    public async Task InitializeAsync()
    {
        App = await PamojaFactory.SharedAsync();
        Client = App.ApiClient();
        await TestData.SignedInAsync(Client);
        UserId = await GroupData.MyIdAsync(Client);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public async Task<(long Groups, long Members, long Audit, long Rules)> WrittenAsync() => (
        await GroupData.CountAsync("SELECT count(*) FROM groups WHERE created_by = $1", UserId),
        await GroupData.CountAsync("SELECT count(*) FROM group_members WHERE user_id = $1", UserId),
        await GroupData.CountAsync("SELECT count(*) FROM audit_log WHERE actor_user_id = $1", UserId),
        await GroupData.CountAsync("SELECT count(*) FROM group_rules WHERE created_by = $1", UserId));
}

public sealed class CreateGroupValidationTests(GroupCreatorFixture fixture) : IClassFixture<GroupCreatorFixture>
{
    private const string Remove = "<remove>";

    private static JsonObject Base(string kind) => kind switch
    {
        "rosca" => GroupData.Json(GroupData.Stokvel("Validation Rosca")),
        "asca" => GroupData.Json(new
        {
            name = "Validation Chama", kind = "asca", currency = "KES",
            contribution = new { amount = 100000, frequency = "monthly" }, startsOn = "2027-01-01", maxMembers = 20,
        }),
        "vsla" => GroupData.Json(new
        {
            name = "Validation VSLA", kind = "vsla", currency = "UGX",
            contribution = new { amount = 2000, frequency = "weekly" }, startsOn = "2027-01-01", maxMembers = 25,
        }),
        "cooperative" => GroupData.Json(new { name = "Validation Coop", kind = "cooperative", currency = "RWF", startsOn = "2027-01-01", maxMembers = 100 }),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static string Today(int addYears = 0, int addDays = 0) =>
        DateOnly.FromDateTime(DateTime.UtcNow).AddYears(addYears).AddDays(addDays).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// (base kind, dotted path, JSON value or <remove>, the field the 400 must name)
    public static TheoryData<string, string, string, string> Invalid() => new()
    {
        // name
        { "rosca", "name", Remove, "name" },
        { "rosca", "name", "\"\"", "name" },
        { "rosca", "name", "\"   \"", "name" },
        { "rosca", "name", "\"A\"", "name" },
        { "rosca", "name", "\" B \"", "name" },
        { "rosca", "name", $"\"{new string('n', 101)}\"", "name" },
        { "rosca", "name", "\"Umoja\\u0000Stokvel\"", "name" },
        { "rosca", "name", "\"Umoja\\nStokvel\"", "name" },
        // kind
        { "rosca", "kind", Remove, "kind" },
        { "rosca", "kind", "\"merry-go-round\"", "kind" },
        { "rosca", "kind", "\"\"", "kind" },
        { "rosca", "kind", "\"0\"", "kind" },
        { "rosca", "kind", "\"1\"", "kind" },
        // currency
        { "rosca", "currency", Remove, "currency" },
        { "rosca", "currency", "\"XYZ\"", "currency" },
        { "rosca", "currency", "\"zar\"", "currency" },
        { "rosca", "currency", "\"Zar\"", "currency" },
        { "rosca", "currency", "\"KESX\"", "currency" },
        { "rosca", "currency", "\"KE\"", "currency" },
        { "rosca", "currency", "\"\"", "currency" },
        { "rosca", "currency", "\"BTC\"", "currency" },
        // contribution
        { "rosca", "contribution", Remove, "contribution.frequency" },
        { "rosca", "contribution.amount", Remove, "contribution.amount" },
        { "asca", "contribution.amount", "0", "contribution.amount" },
        { "asca", "contribution.amount", "-1", "contribution.amount" },
        { "asca", "contribution.amount", "-150000", "contribution.amount" },
        { "vsla", "contribution.amount", "0", "contribution.amount" },
        { "cooperative", "contribution.amount", "0", "contribution.amount" },
        { "asca", "contribution.amount", "1000000000001", "contribution.amount" },
        { "asca", "contribution.amount", "9223372036854775807", "contribution.amount" },
        { "asca", "contribution.amount", "9223372036854775808", "contribution.amount" },
        { "asca", "contribution.amount", "1500.5", "contribution.amount" },
        { "asca", "contribution.amount", "1e5", "contribution.amount" },
        { "asca", "contribution.amount", "true", "contribution.amount" },
        { "asca", "contribution.frequency", Remove, "contribution.frequency" },
        { "asca", "contribution.frequency", "\"yearly\"", "contribution.frequency" },
        { "asca", "contribution.frequency", "\"\"", "contribution.frequency" },
        { "asca", "contribution.frequency", "\"every15days\"", "contribution.frequency" },
        { "asca", "contribution.frequency", "\"2\"", "contribution.frequency" },
        { "cooperative", "contribution.frequency", "\"fortnightly\"", "contribution.frequency" },
        { "asca", "contribution.frequency", "3", "contribution.frequency" },
        { "asca", "contribution.frequency", "\"days\"", "contribution.everyDays" },           // days without everyDays
        { "asca", "contribution.everyDays", "7", "contribution.everyDays" },                  // everyDays without days
        { "asca", "contribution.everyDays", "\"7\"", "contribution.everyDays" },
        { "asca", "contribution", "{\"amount\":1000,\"frequency\":\"days\",\"everyDays\":0}", "contribution.everyDays" },
        { "asca", "contribution", "{\"amount\":1000,\"frequency\":\"days\",\"everyDays\":367}", "contribution.everyDays" },
        { "asca", "contribution.everyDays", "1.5", "contribution.everyDays" },
        { "asca", "contribution", "150000", "contribution" },
        // startsOn
        { "rosca", "startsOn", Remove, "startsOn" },
        { "rosca", "startsOn", "\"2027-13-01\"", "startsOn" },
        { "rosca", "startsOn", "\"2027-02-30\"", "startsOn" },
        { "rosca", "startsOn", "\"01/02/2027\"", "startsOn" },
        { "rosca", "startsOn", "\"2027-1-1\"", "startsOn" },
        { "rosca", "startsOn", "\"tomorrow\"", "startsOn" },
        { "rosca", "startsOn", "\"\"", "startsOn" },
        { "rosca", "startsOn", "20270101", "startsOn" },
        { "rosca", "startsOn", "\"1999-12-31\"", "startsOn" },
        { "rosca", "startsOn", "\"0001-01-01\"", "startsOn" },
        { "rosca", "startsOn", "\"9999-12-31\"", "startsOn" },
        { "rosca", "startsOn", $"\"{Today(2, 7)}\"", "startsOn" },
        // maxMembers
        { "rosca", "maxMembers", Remove, "maxMembers" },
        { "rosca", "maxMembers", "0", "maxMembers" },
        { "rosca", "maxMembers", "1", "maxMembers" },
        { "rosca", "maxMembers", "501", "maxMembers" },
        { "rosca", "maxMembers", "-10", "maxMembers" },
        { "rosca", "maxMembers", "2147483648", "maxMembers" },
        { "rosca", "maxMembers", "\"ten\"", "maxMembers" },
        { "rosca", "maxMembers", "10.5", "maxMembers" },
        // rotation
        { "rosca", "rotation", Remove, "rotation.order" },
        { "rosca", "rotation", Remove, "rotation.pot" },
        { "rosca", "rotation.order", Remove, "rotation.order" },
        { "rosca", "rotation.pot", Remove, "rotation.pot" },
        { "rosca", "rotation.order", "\"random\"", "rotation.order" },
        { "rosca", "rotation.order", "\"\"", "rotation.order" },
        { "rosca", "rotation.pot", "\"half\"", "rotation.pot" },
        { "rosca", "rotation.pot", "1", "rotation.pot" },
        { "rosca", "rotation", "\"fixed\"", "rotation" },
        { "asca", "rotation", "{\"order\":\"fixed\",\"pot\":\"net\"}", "rotation" },
        { "vsla", "rotation", "{\"order\":\"lottery\"}", "rotation" },
        { "cooperative", "rotation", "{\"pot\":\"gross\"}", "rotation" },
        // registration fee
        { "rosca", "registrationFee", "-1", "registrationFee" },
        { "rosca", "registrationFee", "1000000000001", "registrationFee" },
        { "rosca", "registrationFee", "10.5", "registrationFee" },
        // late fine
        { "rosca", "lateFine", "{\"amount\":5000,\"percent\":2.5}", "lateFine" },
        { "rosca", "lateFine.amount", "-1", "lateFine.amount" },
        { "rosca", "lateFine.amount", "50.5", "lateFine.amount" },
        { "asca", "lateFine", "{\"percent\":100.01}", "lateFine.percent" },
        { "asca", "lateFine", "{\"percent\":101}", "lateFine.percent" },
        { "asca", "lateFine", "{\"percent\":-1}", "lateFine.percent" },
        { "asca", "lateFine", "{\"percent\":2.505}", "lateFine.percent" },
        { "asca", "lateFine", "{\"percent\":0.001}", "lateFine.percent" },
        { "rosca", "lateFine.graceDays", "61", "lateFine.graceDays" },
        { "rosca", "lateFine.graceDays", "-1", "lateFine.graceDays" },
        { "rosca", "lateFine.graceDays", "1.5", "lateFine.graceDays" },
        { "rosca", "lateFine", "5000", "lateFine" },
        // meeting
        { "rosca", "meeting.day", "\"Saturday\"", "meeting.day" },
        { "rosca", "meeting.day", "\"sat\"", "meeting.day" },
        { "rosca", "meeting.day", "\"funday\"", "meeting.day" },
        { "rosca", "meeting.day", "\"\"", "meeting.day" },
        { "rosca", "meeting.day", "6", "meeting.day" },
        { "rosca", "meeting.time", "\"2pm\"", "meeting.time" },
        { "rosca", "meeting.time", "\"25:00\"", "meeting.time" },
        { "rosca", "meeting.time", "\"14:60\"", "meeting.time" },
        { "rosca", "meeting.time", "\"14:00:00\"", "meeting.time" },
        { "rosca", "meeting.time", "\"9:00\"", "meeting.time" },
        { "rosca", "meeting.time", "\"\"", "meeting.time" },
        { "rosca", "meeting.time", "1400", "meeting.time" },
        { "rosca", "meeting.location", $"\"{new string('l', 201)}\"", "meeting.location" },
        { "rosca", "meeting", "[]", "meeting" },
        // rules text
        { "rosca", "rules", $"\"{new string('r', 10_001)}\"", "rules" },
        { "rosca", "rules", "[\"Pay on time\"]", "rules" },
        // time zone
        { "rosca", "timeZone", "\"Mars/Olympus_Mons\"", "timeZone" },
        { "rosca", "timeZone", "\"\"", "timeZone" },
        { "rosca", "timeZone", "\"../../../../etc/passwd\"", "timeZone" },
        { "rosca", "timeZone", $"\"Africa/{new string('x', 80)}\"", "timeZone" },
        { "rosca", "timeZone", "3", "timeZone" },
        // Windows ids (which .NET on Linux also finds) and IANA's legacy ids: only Area/City or UTC.
        { "rosca", "timeZone", "\"E. Africa Standard Time\"", "timeZone" },
        { "rosca", "timeZone", "\"South Africa Standard Time\"", "timeZone" },
        { "rosca", "timeZone", "\"EST5EDT\"", "timeZone" },
        { "rosca", "timeZone", "\"GMT\"", "timeZone" },
        // shares
        { "rosca", "shares", "{\"min\":1,\"max\":5}", "shares" },
        { "asca", "shares", "{\"min\":1,\"max\":5}", "shares" },
        { "cooperative", "shares", "{\"max\":3}", "shares" },
        { "vsla", "shares", "{\"min\":0,\"max\":5}", "shares" },
        { "vsla", "shares", "{\"min\":3,\"max\":2}", "shares" },
        { "vsla", "shares", "{\"min\":1,\"max\":11}", "shares" },
        { "vsla", "shares", "{\"min\":6}", "shares" },
        { "vsla", "shares", "{\"min\":-1,\"max\":5}", "shares" },
        { "vsla", "shares.min", "\"one\"", "shares.min" },
        { "vsla", "shares", "5", "shares" },
        // revision is for changes, not for a new group
        { "rosca", "revision", "1", "revision" },
        { "rosca", "revision", "0", "revision" },
        { "rosca", "revision", "\"1\"", "revision" },
        // wrong types at the top
        { "rosca", "name", "123", "name" },
        { "rosca", "name", "{\"en\":\"Umoja\"}", "name" },
        { "rosca", "kind", "[\"rosca\"]", "kind" },
        { "rosca", "currency", "840", "currency" },
        { "rosca", "contribution", "[]", "contribution" },
    };

    [Theory]
    [InlineData("asca", "contribution.amount", "\"150000\"", "contribution.amount")]
    [InlineData("asca", "contribution.amount", "\"1500.5\"", "contribution.amount")]
    [InlineData("rosca", "maxMembers", "\"10\"", "maxMembers")]
    [InlineData("rosca", "registrationFee", "\"0\"", "registrationFee")]
    [InlineData("rosca", "lateFine.amount", "\"5000\"", "lateFine.amount")]
    [InlineData("asca", "lateFine", "{\"percent\":\"2.5\"}", "lateFine.percent")]
    [InlineData("vsla", "shares", "{\"min\":\"1\",\"max\":5}", "shares.min")]
    public async Task Numbers_written_as_strings_are_a_type_error(string kind, string path, string value, string field)
    {
        // Money and limits are JSON numbers (api.md § Conventions: "amount": 150000); a string is
        // the wrong type, as a number is for a string field.
        await An_invalid_group_is_a_400_naming_the_field_and_writes_nothing(kind, path, value, field);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task An_invalid_group_is_a_400_naming_the_field_and_writes_nothing(string kind, string path, string value, string field)
    {
        var body = Base(kind).With(path, value == Remove ? null : value);
        var before = await fixture.WrittenAsync();

        var response = await fixture.Client.PostJsonAsync("/api/v1/groups", body);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest,
            $"{response.StatusCode} {await response.Content.ReadAsStringAsync()} {fixture.App.Logs.Errors()}");
        var problem = await TestData.ProblemAsync(response);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"expected errors.{field} in {problem}");
        Assert.True(messages.GetArrayLength() > 0 && messages.EnumerateArray().All(m => m.GetString()!.Length > 0), problem.ToString());
        Assert.Equal(before, await fixture.WrittenAsync());
    }

    [Theory]
    [InlineData("rosca")]
    [InlineData("asca")]
    [InlineData("vsla")]
    [InlineData("cooperative")]
    public async Task The_bases_above_are_valid(string kind)
    {
        // Guards the theory: each case must fail for its own field, not because its base was wrong.
        var before = await fixture.WrittenAsync();
        var response = await fixture.Client.PostJsonAsync("/api/v1/groups", Base(kind));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        Assert.Equal(before.Groups + 1, (await fixture.WrittenAsync()).Groups);
    }

    [Fact]
    public async Task A_JSON_type_error_names_the_field_path()
    {
        var response = await fixture.Client.PostJsonAsync("/api/v1/groups", Base("asca").With("contribution.amount", "1500.5"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await TestData.ProblemAsync(response)).GetProperty("errors");
        Assert.Equal(["contribution.amount"], errors.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Many_mistakes_are_reported_together()
    {
        var body = Base("rosca").With("name", "\"A\"").With("currency", "\"kes\"").With("maxMembers", "1")
            .With("contribution.amount", "0").With("rotation", null).With("meeting.day", "\"Sat\"");
        var before = await fixture.WrittenAsync();
        var response = await fixture.Client.PostJsonAsync("/api/v1/groups", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var fields = (await TestData.ProblemAsync(response)).GetProperty("errors").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "name", "currency", "meeting.day" }, fields);
        Assert.Equal(before, await fixture.WrittenAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"rosca\"")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("{\"name\": \"Umoja\",}")]
    public async Task A_missing_or_malformed_body_is_a_400_problem(string raw)
    {
        var before = await fixture.WrittenAsync();
        var response = await fixture.Client.PostAsync("/api/v1/groups", new StringContent(raw, Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode} {await response.Content.ReadAsStringAsync()} {fixture.App.Logs.Errors()}");
        var problem = await TestData.ProblemAsync(response);
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Equal(before, await fixture.WrittenAsync());
    }

    [Fact]
    public async Task An_empty_object_names_every_required_field()
    {
        var before = await fixture.WrittenAsync();
        var response = await fixture.Client.PostAsync("/api/v1/groups", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var fields = (await TestData.ProblemAsync(response)).GetProperty("errors").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "name", "kind", "currency", "startsOn", "maxMembers" }, fields);
        Assert.Equal(before, await fixture.WrittenAsync());
    }

    [Fact]
    public async Task A_huge_body_is_refused_with_413()
    {
        var before = await fixture.WrittenAsync();
        var body = Base("rosca").With("rules", JsonSerializer.Serialize(new string('r', 200_000)));
        var response = await fixture.Client.PostJsonAsync("/api/v1/groups", body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await fixture.WrittenAsync());
    }

    [Fact]
    public async Task Text_that_is_not_JSON_is_refused_without_a_500()
    {
        var response = await fixture.Client.PostAsync("/api/v1/groups", new StringContent("name=Umoja", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{response.StatusCode} {fixture.App.Logs.Errors()}");
    }

    [Fact]
    public async Task Unknown_fields_are_ignored()
    {
        var response = await fixture.Client.PostJsonAsync("/api/v1/groups", Base("asca").With("colour", "\"green\""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.False((await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("colour", out _));
    }
}
