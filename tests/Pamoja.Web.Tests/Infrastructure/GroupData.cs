using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pamoja.Web.Tests.Infrastructure;

/// Groups and members for tests, made through the public API like a real client.
public static class GroupData
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

    /// Adds a person who already has an account (so they are active at once) and returns
    /// (memberId, a signed-in client for them).
    public static async Task<(Guid MemberId, HttpClient Client, string Phone)> AddActiveAsync(PamojaFactory app, HttpClient official, Guid groupId, string role = "member")
    {
        var client = app.ApiClient();
        var phone = await TestData.SignedInAsync(client);
        var added = await official.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone });
        Assert.True(added.StatusCode == HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        var memberId = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("memberId").GetGuid();
        if (role != "member")
        {
            var changed = await official.PutAsJsonAsync($"/api/v1/groups/{groupId}/members/{memberId}/role", new { role });
            Assert.True(changed.StatusCode == HttpStatusCode.NoContent, await changed.Content.ReadAsStringAsync());
        }
        return (memberId, client, phone);
    }

    public static async Task<JsonElement> MembersAsync(HttpClient client, Guid groupId) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/members");

    public static async Task<JsonElement> AuditAsync(HttpClient client, Guid groupId) =>
        await client.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{groupId}/audit?limit=200");
}
