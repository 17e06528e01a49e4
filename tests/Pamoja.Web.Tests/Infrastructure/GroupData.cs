using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Npgsql;

namespace Pamoja.Web.Tests.Infrastructure;

/// Groups and members for tests, made through the public API like a real client.
public static partial class GroupData
{
    public static object Stokvel(string name = "Umoja Stokvel") => new
    {
        name, kind = "rosca", currency = "ZAR",
        contribution = new { amount = 150000, frequency = "monthly" },
        startsOn = "2027-01-01", maxMembers = 10,
        rotation = new { order = "fixed", pot = "net" },
        registrationFee = 0, lateFine = new { amount = 5000, graceDays = 3 },
        rules = "Pay by the 1st.", meeting = new { day = "saturday", time = "14:00", location = "Soweto community hall" },
    };

    public static async Task<Guid> CreateAsync(HttpClient chair, object? body = null)
    {
        var response = await chair.PostAsJsonAsync("/api/v1/groups", body ?? Stokvel());
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// Adds a person who already has an account and returns (memberId, a signed-in client for
    /// them, their phone) once they are active: like anyone added by phone they are invited
    /// first, and accept with the link from their SMS, signed in as themselves.
    /// phone: the new member's number (a fresh ordinary one unless given, e.g. a sandbox script's).
    public static async Task<(Guid MemberId, HttpClient Client, string Phone)> AddActiveAsync(PamojaFactory app, HttpClient official, Guid groupId, string role = "member",
        string? phone = null)
    {
        var client = app.ApiClient();
        phone = await TestData.SignedInAsync(client, phone);
        var added = await official.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone });
        Assert.True(added.StatusCode == HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        var memberId = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("memberId").GetGuid();
        Assert.Equal(memberId, await AcceptInvitationAsync(client, phone));
        if (role != "member")
        {
            var changed = await official.PutAsJsonAsync($"/api/v1/groups/{groupId}/members/{memberId}/role", new { role });
            Assert.True(changed.StatusCode == HttpStatusCode.NoContent, await changed.Content.ReadAsStringAsync());
        }
        return (memberId, client, phone);
    }

    /// Accepts, as the signed-in client, the invitation in the newest SMS to the phone whose
    /// link has not been accepted yet; returns the memberId the acceptance names.
    public static async Task<Guid> AcceptInvitationAsync(HttpClient member, string phone)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            foreach (var sms in (await TestData.AllSmsAsync(phone)).Where(b => b.Contains("/invitations/", StringComparison.Ordinal)).Reverse())
            {
                var response = await member.PostAsJsonAsync("/api/v1/invitations/accept", new { token = InvitationToken(sms) });
                if (response.StatusCode == HttpStatusCode.Created)
                    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("memberId").GetGuid();
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"No open invitation reached {phone} within 20 seconds.");
            await Task.Delay(100);
        }
    }

    public static async Task<JsonElement> MembersAsync(HttpClient client, Guid groupId) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/members");

    public static async Task<JsonElement> AuditAsync(HttpClient client, Guid groupId) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/audit?limit=200");

    /// A request body as a mutable JSON tree, to change or remove one field at a time.
    public static JsonObject Json(object body) => JsonSerializer.SerializeToNode(body)!.AsObject();

    /// Sets (or, with a null value, removes) the field at a dotted path such as "contribution.amount";
    /// rawJson is JSON text, so wrong types can be written too ("\"ten\"", "[]", "1500.5").
    public static JsonObject With(this JsonObject body, string path, string? rawJson)
    {
        var parts = path.Split('.');
        var node = body;
        foreach (var part in parts[..^1])
        {
            if (node[part] is not JsonObject child)
                node[part] = child = new JsonObject();
            node = child;
        }
        if (rawJson is null) node.Remove(parts[^1]);
        else node[parts[^1]] = JsonNode.Parse(rawJson);
        return body;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, JsonNode body) =>
        client.PostAsync(path, new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string path, JsonNode body) =>
        client.PutAsync(path, new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));

    public static async Task<Guid> CreateAsync(HttpClient chair, JsonObject body)
    {
        var response = await chair.PostJsonAsync("/api/v1/groups", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, Guid groupId) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}");

    /// The signed-in caller's user id (GET /api/v1/me).
    public static async Task<Guid> MyIdAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("id").GetGuid();

    /// A member from GET .../members by id.
    public static async Task<JsonElement> MemberAsync(HttpClient client, Guid groupId, Guid memberId) =>
        (await MembersAsync(client, groupId)).EnumerateArray().Single(m => m.GetProperty("memberId").GetGuid() == memberId);

    /// The chair's own memberId in a group (myMemberId of GET group).
    public static async Task<Guid> MyMemberIdAsync(HttpClient client, Guid groupId) =>
        (await GetAsync(client, groupId)).GetProperty("myMemberId").GetGuid();

    public static Task<HttpResponseMessage> StatusAsync(HttpClient client, Guid groupId, Guid memberId, string change, object? body = null) =>
        client.PostAsJsonAsync($"/api/v1/groups/{groupId}/members/{memberId}/{change}", body ?? new { });

    public static Task<HttpResponseMessage> RoleAsync(HttpClient client, Guid groupId, Guid memberId, string role) =>
        client.PutAsJsonAsync($"/api/v1/groups/{groupId}/members/{memberId}/role", new { role });

    /// Adds a phone without an account (status invited) and returns the memberId.
    public static async Task<Guid> InviteAsync(HttpClient official, Guid groupId, string phone, string? fullName = null)
    {
        var added = await official.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone, fullName });
        Assert.True(added.StatusCode == HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        var body = await added.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("invited", body.GetProperty("status").GetString());
        return body.GetProperty("memberId").GetGuid();
    }

    /// The token of the invitation link in the SMS the phone received for the group.
    public static async Task<string> InvitationTokenAsync(string phone, string groupName)
    {
        var sms = await TestData.SmsAsync(phone, body => body.Contains(groupName, StringComparison.Ordinal) && body.Contains("/invitations/", StringComparison.Ordinal));
        return InvitationToken(sms);
    }

    public static string InvitationToken(string sms) => InvitationLink().Match(sms) is { Success: true } m
        ? m.Groups[1].Value
        : throw new InvalidOperationException("No invitation link in: " + sms);

    [GeneratedRegex(@"http://pamoja\.test/invitations/([A-Za-z0-9_-]+)")]
    private static partial Regex InvitationLink();

    /// Joins a group by its code as the signed-in client; returns the pending memberId.
    public static async Task<Guid> RequestToJoinAsync(HttpClient client, string code)
    {
        var response = await client.PostAsJsonAsync("/api/v1/groups/join", new { code });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("pending", body.GetProperty("status").GetString());
        return body.GetProperty("memberId").GetGuid();
    }

    // Direct SQL, for what the API does not show (rows that must not exist, append-only tables).

    public static async Task<long> CountAsync(string sql, params object[] args) => Convert.ToInt64(await ScalarAsync(sql, args), System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<object?> ScalarAsync(string sql, params object[] args)
    {
        await using var db = new NpgsqlConnection(TestDatabase.ConnectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, db);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        return await cmd.ExecuteScalarAsync();
    }

    public static async Task<int> ExecuteAsync(string sql, params object[] args)
    {
        await using var db = new NpgsqlConnection(TestDatabase.ConnectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, db);
        foreach (var arg in args) cmd.Parameters.Add(new NpgsqlParameter { Value = arg });
        return await cmd.ExecuteNonQueryAsync();
    }

    /// What the database holds for one group: for "a failed request writes nothing".
    public static async Task<(long Members, long Audit, long Rules, int Revision)> RowCountsAsync(Guid groupId) => (
        await CountAsync("SELECT count(*) FROM group_members WHERE group_id = $1", groupId),
        await CountAsync("SELECT count(*) FROM audit_log WHERE group_id = $1", groupId),
        await CountAsync("SELECT count(*) FROM group_rules WHERE group_id = $1", groupId),
        (int)(await ScalarAsync("SELECT revision FROM groups WHERE id = $1", groupId))!);

    public static Task<long> OutboxCountAsync(string recipient) =>
        CountAsync("SELECT count(*) FROM notification_outbox WHERE recipient = $1", recipient);
}
