using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Members;

/// Officials add members by phone: an invitation by SMS with a signed, single-use link, whether
/// or not the phone has an account (someone with one accepts signed in as that account).
public sealed class InvitationTests : IAsyncLifetime
{
    private const string NewPassword = "a fresh member passphrase 9";
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpClient Chair, Guid GroupId, string Name)> GroupAsync()
    {
        var chair = _app.ApiClient();
        await TestData.SignedInAsync(chair);
        var name = "Invite Group " + Guid.NewGuid().ToString("N")[..8];
        return (chair, await GroupData.CreateAsync(chair, GroupData.Stokvel(name)), name);
    }

    private static Task<HttpResponseMessage> AcceptAsync(HttpClient client, string token, string? fullName = "Amina Wanjiru", string? password = NewPassword) =>
        client.PostAsJsonAsync("/api/v1/invitations/accept", new { token, fullName, password });

    private async Task<JsonElement> AcceptedAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode} {await response.Content.ReadAsStringAsync()} {_app.Logs.Errors()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task AssertInvalidLinkAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await TestData.ProblemAsync(response)).GetProperty("errors").TryGetProperty("token", out _));
    }

    [Fact]
    public async Task A_phone_without_an_account_is_invited_by_SMS_and_joins_by_accepting_the_link_once()
    {
        var (chair, groupId, name) = await GroupAsync();
        var phone = TestData.Phone();

        var added = await chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone, fullName = "Amina W." });
        Assert.True(added.StatusCode == HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        var body = await added.Content.ReadFromJsonAsync<JsonElement>();
        var memberId = body.GetProperty("memberId").GetGuid();
        Assert.Equal(JsonValueKind.Null, body.GetProperty("userId").ValueKind);
        Assert.Equal("member", body.GetProperty("role").GetString());
        Assert.Equal("invited", body.GetProperty("status").GetString());
        Assert.Equal($"/api/v1/groups/{groupId}/members/{memberId}", added.Headers.Location?.OriginalString);

        var listed = await GroupData.MemberAsync(chair, groupId, memberId);
        Assert.Equal("invited", listed.GetProperty("status").GetString());
        Assert.Equal(phone, listed.GetProperty("phone").GetString());
        Assert.Equal("Amina W.", listed.GetProperty("fullName").GetString());
        Assert.Equal(2, (await GroupData.GetAsync(chair, groupId)).GetProperty("memberCount").GetInt32());

        var sms = await TestData.SmsAsync(phone, b => b.Contains(name, StringComparison.Ordinal));
        Assert.Contains("http://pamoja.test/invitations/", sms, StringComparison.Ordinal);
        var token = GroupData.InvitationToken(sms);

        var anonymous = _app.ApiClient();
        var shown = await anonymous.GetAsync($"/api/v1/invitations/{token}");
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        var invitation = await shown.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(groupId, invitation.GetProperty("groupId").GetGuid());
        Assert.Equal(name, invitation.GetProperty("groupName").GetString());
        Assert.Equal("rosca", invitation.GetProperty("groupKind").GetString());
        // Whoever holds the link sees which number it is for, but not all of it.
        Assert.Equal(phone[..5] + new string('•', phone.Length - 8) + phone[^3..], invitation.GetProperty("phone").GetString());
        Assert.DoesNotContain(phone[5..^3], invitation.GetRawText(), StringComparison.Ordinal);
        Assert.False(invitation.GetProperty("accountExists").GetBoolean());

        var accepted = await AcceptedAsync(await AcceptAsync(anonymous, token));
        var userId = accepted.GetProperty("userId").GetGuid();
        Assert.Equal(groupId, accepted.GetProperty("groupId").GetGuid());
        Assert.Equal(memberId, accepted.GetProperty("memberId").GetGuid());

        var member = await GroupData.MemberAsync(chair, groupId, memberId);
        Assert.Equal("active", member.GetProperty("status").GetString());
        Assert.Equal(userId, member.GetProperty("userId").GetGuid());
        Assert.Equal("Amina Wanjiru", member.GetProperty("fullName").GetString());
        Assert.Equal(JsonValueKind.String, member.GetProperty("joinedOn").ValueKind);

        // The new account signs in with the password it chose and sees the group.
        var token2 = await TestData.TokenAsync(anonymous, phone, NewPassword);
        Assert.Equal(HttpStatusCode.OK, token2.StatusCode);
        var newcomer = _app.ApiClient();
        newcomer.DefaultRequestHeaders.Authorization = new("Bearer", (await token2.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        Assert.Equal(userId, await GroupData.MyIdAsync(newcomer));
        var mine = await newcomer.GetFromJsonAsync<JsonElement>("/api/v1/groups");
        Assert.Equal(groupId, Assert.Single(mine.EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal("member", (await GroupData.GetAsync(newcomer, groupId)).GetProperty("myRole").GetString());

        // Single use: the link is dead, for showing and for accepting.
        await AssertInvalidLinkAsync(await _app.ApiClient().GetAsync($"/api/v1/invitations/{token}"));
        await AssertInvalidLinkAsync(await AcceptAsync(_app.ApiClient(), token, password: "another passphrase 1234"));
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM users WHERE user_name = $1", phone));
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM group_invitations WHERE member_id = $1 AND used_at IS NOT NULL", memberId));
    }

    [Fact]
    public async Task A_tampered_or_made_up_token_is_a_400()
    {
        var (chair, groupId, name) = await GroupAsync();
        var phone = TestData.Phone();
        var memberId = await GroupData.InviteAsync(chair, groupId, phone);
        var token = await GroupData.InvitationTokenAsync(phone, name);

        var middle = token.Length / 2;
        var tampered = token[..middle] + (token[middle] == 'A' ? 'B' : 'A') + token[(middle + 1)..];
        foreach (var bad in new[] { tampered, token[..^2], token + "AA", "not-a-token", Guid.NewGuid().ToString("N"), new string('A', 600) })
        {
            await AssertInvalidLinkAsync(await _app.ApiClient().GetAsync($"/api/v1/invitations/{bad}"));
            var accept = await AcceptAsync(_app.ApiClient(), bad);
            Assert.Equal(HttpStatusCode.BadRequest, accept.StatusCode);
        }
        Assert.Equal(0, await GroupData.CountAsync("SELECT count(*) FROM users WHERE user_name = $1", phone));
        Assert.Equal("invited", (await GroupData.MemberAsync(chair, groupId, memberId)).GetProperty("status").GetString());

        // The genuine token still works after all that.
        await AcceptedAsync(await AcceptAsync(_app.ApiClient(), token));
    }

    [Fact]
    public async Task A_weak_password_is_refused_without_using_up_the_link()
    {
        var (chair, groupId, name) = await GroupAsync();
        var phone = TestData.Phone();
        var memberId = await GroupData.InviteAsync(chair, groupId, phone);
        var token = await GroupData.InvitationTokenAsync(phone, name);

        var weak = await AcceptAsync(_app.ApiClient(), token, password: "short");
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.True((await TestData.ProblemAsync(weak)).GetProperty("errors").TryGetProperty("password", out _));
        Assert.Equal(0, await GroupData.CountAsync("SELECT count(*) FROM users WHERE user_name = $1", phone));
        Assert.Equal("invited", (await GroupData.MemberAsync(chair, groupId, memberId)).GetProperty("status").GetString());

        await AcceptedAsync(await AcceptAsync(_app.ApiClient(), token));
    }

    [Fact]
    public async Task A_phone_with_an_account_is_invited_too_and_joins_only_by_accepting_signed_in()
    {
        // Adding someone to a group needs their consent, and must not tell the official who has
        // an account or what name it carries.
        var (chair, groupId, name) = await GroupAsync();
        var person = _app.ApiClient();
        var phone = await TestData.SignedInAsync(person); // the account's name is "Test Member"
        var userId = await GroupData.MyIdAsync(person);

        var added = await chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone, fullName = "Typed By Chair" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var body = await added.Content.ReadFromJsonAsync<JsonElement>();
        var memberId = body.GetProperty("memberId").GetGuid();
        Assert.Equal(JsonValueKind.Null, body.GetProperty("userId").ValueKind);
        Assert.Equal("invited", body.GetProperty("status").GetString());
        Assert.Equal("member", body.GetProperty("role").GetString());

        var listed = await GroupData.MemberAsync(chair, groupId, memberId);
        Assert.Equal("invited", listed.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("userId").ValueKind);
        Assert.Equal("Typed By Chair", listed.GetProperty("fullName").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await person.GetAsync($"/api/v1/groups/{groupId}")).StatusCode);
        Assert.Empty((await person.GetFromJsonAsync<JsonElement>("/api/v1/groups")).EnumerateArray());

        var sms = await TestData.SmsAsync(phone, b => b.Contains(name, StringComparison.Ordinal));
        var token = GroupData.InvitationToken(sms);
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM group_invitations WHERE member_id = $1 AND used_at IS NULL", memberId));
        Assert.True((await (await _app.ApiClient().GetAsync($"/api/v1/invitations/{token}")).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accountExists").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await AcceptAsync(_app.ApiClient(), token, fullName: null, password: null)).StatusCode);

        var accepted = await AcceptedAsync(await AcceptAsync(person, token, fullName: null, password: null));
        Assert.Equal(userId, accepted.GetProperty("userId").GetGuid());
        var member = await GroupData.MemberAsync(chair, groupId, memberId);
        Assert.Equal("active", member.GetProperty("status").GetString());
        Assert.Equal(userId, member.GetProperty("userId").GetGuid());
        Assert.Equal("Test Member", member.GetProperty("fullName").GetString()); // their own name, once they said yes
        Assert.Equal("member", (await GroupData.GetAsync(person, groupId)).GetProperty("myRole").GetString());
    }

    [Fact]
    public async Task Adding_a_phone_answers_and_texts_the_same_whether_or_not_it_has_an_account()
    {
        var (chair, groupId, name) = await GroupAsync();
        var withAccount = await TestData.SignedInAsync(_app.ApiClient());
        var withoutAccount = TestData.Phone();

        var answers = new List<string>();
        var texts = new List<string>();
        foreach (var phone in new[] { withAccount, withoutAccount })
        {
            var added = await chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone });
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            var body = JsonNode.Parse(await added.Content.ReadAsStringAsync())!.AsObject();
            var memberId = body["memberId"]!.GetValue<Guid>();
            body.Remove("memberId");
            answers.Add(body.ToJsonString());

            var listed = await GroupData.MemberAsync(chair, groupId, memberId);
            Assert.Equal(phone, listed.GetProperty("fullName").GetString()); // no name typed: the phone, not the account's name
            Assert.Equal(JsonValueKind.Null, listed.GetProperty("userId").ValueKind);

            var sms = await TestData.SmsAsync(phone, b => b.Contains(name, StringComparison.Ordinal));
            texts.Add(sms.Replace(GroupData.InvitationToken(sms), "TOKEN", StringComparison.Ordinal));
        }
        Assert.Equal(answers[0], answers[1]);
        Assert.Equal(texts[0], texts[1]);
        Assert.Equal(2, await GroupData.CountAsync("SELECT count(*) FROM audit_log WHERE group_id = $1 AND action = 'member.invited'", groupId));
    }

    [Fact]
    public async Task An_invited_phone_that_has_an_account_by_now_must_accept_signed_in_as_that_account()
    {
        var (chair, groupId, name) = await GroupAsync();
        var phone = TestData.Phone();
        var memberId = await GroupData.InviteAsync(chair, groupId, phone);
        var token = await GroupData.InvitationTokenAsync(phone, name);

        // They register on their own before opening the link.
        var owner = _app.ApiClient();
        await TestData.SignedInAsync(owner, phone);
        var ownerId = await GroupData.MyIdAsync(owner);
        var shown = await (await _app.ApiClient().GetAsync($"/api/v1/invitations/{token}")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(shown.GetProperty("accountExists").GetBoolean());

        var noBearer = await AcceptAsync(_app.ApiClient(), token);
        Assert.Equal(HttpStatusCode.Unauthorized, noBearer.StatusCode);
        Assert.Equal(401, (await TestData.ProblemAsync(noBearer)).GetProperty("status").GetInt32());

        var stranger = _app.ApiClient();
        await TestData.SignedInAsync(stranger);
        var wrong = await AcceptAsync(stranger, token);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);

        var garbage = _app.ApiClient();
        garbage.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-real-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await AcceptAsync(garbage, token)).StatusCode);

        Assert.Equal("invited", (await GroupData.MemberAsync(chair, groupId, memberId)).GetProperty("status").GetString());
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM group_invitations WHERE member_id = $1 AND used_at IS NULL", memberId));

        var accepted = await AcceptedAsync(await AcceptAsync(owner, token, fullName: null, password: null));
        Assert.Equal(ownerId, accepted.GetProperty("userId").GetGuid());
        var member = await GroupData.MemberAsync(chair, groupId, memberId);
        Assert.Equal("active", member.GetProperty("status").GetString());
        Assert.Equal(ownerId, member.GetProperty("userId").GetGuid());
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM users WHERE user_name = $1", phone));
        await AssertInvalidLinkAsync(await AcceptAsync(owner, token));
    }

    [Fact]
    public async Task Accepting_as_another_signed_in_account_for_a_new_phone_is_refused()
    {
        var (chair, groupId, name) = await GroupAsync();
        var phone = TestData.Phone();
        var memberId = await GroupData.InviteAsync(chair, groupId, phone);
        var token = await GroupData.InvitationTokenAsync(phone, name);

        var stranger = _app.ApiClient();
        await TestData.SignedInAsync(stranger);
        Assert.Equal(HttpStatusCode.Forbidden, (await AcceptAsync(stranger, token)).StatusCode);
        Assert.Equal(0, await GroupData.CountAsync("SELECT count(*) FROM users WHERE user_name = $1", phone));
        Assert.Equal("invited", (await GroupData.MemberAsync(chair, groupId, memberId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Two_acceptances_racing_with_one_link_create_one_account()
    {
        var (chair, groupId, name) = await GroupAsync();
        var phone = TestData.Phone();
        var memberId = await GroupData.InviteAsync(chair, groupId, phone);
        var token = await GroupData.InvitationTokenAsync(phone, name);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => AcceptAsync(_app.ApiClient(), token, password: $"racing passphrase number {i}")));
        Assert.True(results.Count(r => r.StatusCode == HttpStatusCode.Created) == 1, string.Join(", ", results.Select(r => r.StatusCode)) + _app.Logs.Errors());
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal(1, await GroupData.CountAsync("SELECT count(*) FROM users WHERE user_name = $1", phone));
        Assert.Equal("active", (await GroupData.MemberAsync(chair, groupId, memberId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Removing_an_invited_member_kills_the_link()
    {
        var (chair, groupId, name) = await GroupAsync();
        var phone = TestData.Phone();
        var memberId = await GroupData.InviteAsync(chair, groupId, phone);
        var token = await GroupData.InvitationTokenAsync(phone, name);

        Assert.Equal(HttpStatusCode.NoContent, (await GroupData.StatusAsync(chair, groupId, memberId, "remove")).StatusCode);
        await AssertInvalidLinkAsync(await _app.ApiClient().GetAsync($"/api/v1/invitations/{token}"));
        await AssertInvalidLinkAsync(await AcceptAsync(_app.ApiClient(), token));
        Assert.Equal("exited", (await GroupData.MemberAsync(chair, groupId, memberId)).GetProperty("status").GetString());
        Assert.Equal(0, await GroupData.CountAsync("SELECT count(*) FROM users WHERE user_name = $1", phone));
    }

    [Fact]
    public async Task Adding_the_same_phone_twice_is_a_409()
    {
        var (chair, groupId, _) = await GroupAsync();
        var phone = TestData.Phone();
        await GroupData.InviteAsync(chair, groupId, phone);
        var before = await GroupData.RowCountsAsync(groupId);
        var outbox = await GroupData.OutboxCountAsync(phone);

        var again = await chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone = phone[..4] + " " + phone[4..] });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
        Assert.Equal(outbox, await GroupData.OutboxCountAsync(phone));
    }

    [Fact]
    public async Task Adding_members_needs_valid_input()
    {
        var (chair, groupId, _) = await GroupAsync();
        foreach (var (body, field) in new (object, string)[]
                 {
                     (new { }, "phone"), (new { phone = "" }, "phone"), (new { phone = "0712345678" }, "phone"), (new { phone = "+254abc" }, "phone"),
                     (new { phone = new string('9', 500) }, "phone"), (new { phone = TestData.Phone(), role = "boss" }, "role"),
                     (new { phone = TestData.Phone(), fullName = new string('f', 101) }, "fullName"),
                     (new { phone = TestData.Phone(), fullName = "Bad\u0007Name" }, "fullName"),
                     (new { phone = 254712345678 }, "phone"),
                 })
        {
            var response = await chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{JsonSerializer.Serialize(body)}: {response.StatusCode} {_app.Logs.Errors()}");
            Assert.True((await TestData.ProblemAsync(response)).GetProperty("errors").TryGetProperty(field, out _), JsonSerializer.Serialize(body));
        }
        Assert.Single((await GroupData.MembersAsync(chair, groupId)).EnumerateArray());
    }
}
