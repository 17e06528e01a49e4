using System.Net;
using System.Net.Http.Json;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Members;

/// Adding members sends SMS in the group's name to any number: at most 30 adds per group an
/// hour, and at most 3 invitations to one phone a day (from any groups), so a group cannot be
/// used to spam people or to probe numbers. Over the limit: 429 with Retry-After, nothing
/// written, nothing sent.
public sealed class MemberAddLimitsTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpClient Chair, Guid GroupId)> GroupAsync(HttpClient? chair = null)
    {
        if (chair is null)
        {
            chair = _app.ApiClient();
            await TestData.SignedInAsync(chair);
        }
        return (chair, await GroupData.CreateAsync(chair, GroupData.Json(GroupData.Stokvel("Limits " + Guid.NewGuid().ToString("N")[..8])).With("maxMembers", "100")));
    }

    private static Task<HttpResponseMessage> AddAsync(HttpClient chair, Guid groupId, string phone) =>
        chair.PostAsJsonAsync($"/api/v1/groups/{groupId}/members", new { phone });

    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(429, (await TestData.ProblemAsync(response)).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_group_adds_at_most_30_members_an_hour()
    {
        var (chair, groupId) = await GroupAsync();
        for (var i = 0; i < 30; i++)
            Assert.Equal(HttpStatusCode.Created, (await AddAsync(chair, groupId, TestData.Phone())).StatusCode);

        var before = await GroupData.RowCountsAsync(groupId);
        var phone = TestData.Phone();
        await AssertTooManyAsync(await AddAsync(chair, groupId, phone));
        Assert.Equal(before, await GroupData.RowCountsAsync(groupId));
        Assert.Equal(0, await GroupData.OutboxCountAsync(phone));

        // Another group of the same chair has its own allowance.
        var (_, other) = await GroupAsync(chair);
        Assert.Equal(HttpStatusCode.Created, (await AddAsync(chair, other, phone)).StatusCode);
    }

    [Fact]
    public async Task A_phone_gets_at_most_3_invitations_a_day_from_all_groups_together()
    {
        var phone = TestData.Phone();
        for (var i = 0; i < 3; i++)
        {
            var (chair, groupId) = await GroupAsync();
            Assert.Equal(HttpStatusCode.Created, (await AddAsync(chair, groupId, phone)).StatusCode);
        }

        var (lastChair, lastGroup) = await GroupAsync();
        var before = await GroupData.RowCountsAsync(lastGroup);
        await AssertTooManyAsync(await AddAsync(lastChair, lastGroup, phone[..4] + " " + phone[4..])); // however it is written
        Assert.Equal(before, await GroupData.RowCountsAsync(lastGroup));
        Assert.Equal(3, await GroupData.OutboxCountAsync(phone));

        Assert.Equal(HttpStatusCode.Created, (await AddAsync(lastChair, lastGroup, TestData.Phone())).StatusCode);
    }

    [Fact]
    public async Task The_members_page_says_to_wait_with_a_429()
    {
        var chair = _app.ApiClient();
        var chairPhone = await TestData.SignedInAsync(chair);
        var phone = TestData.Phone();
        for (var i = 0; i < 3; i++)
        {
            var (other, otherGroup) = await GroupAsync();
            Assert.Equal(HttpStatusCode.Created, (await AddAsync(other, otherGroup, phone)).StatusCode);
        }
        var (_, mine) = await GroupAsync(chair);
        var browser = await _app.SignedInBrowserAsync(chairPhone);
        var response = await Forms.SubmitAsync(browser, $"/groups/{mine}/members", new Dictionary<string, string> { ["NewMember.Phone"] = phone },
            $"/groups/{mine}/members?handler=Add");
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("Too many", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
