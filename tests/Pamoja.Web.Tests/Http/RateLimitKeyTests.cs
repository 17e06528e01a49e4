using System.Net;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Http;

/// What the sign-in limits count by: one login however it is written (a phone in any spacing or
/// prefix, an email in any case), and one IPv6 network (/64), which one subscriber holds whole.
public sealed class RateLimitKeyTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task One_phone_written_many_ways_shares_one_per_login_allowance()
    {
        var phone = TestData.Phone(); // +2547XXXXXXXX, no account: the limit applies before the lookup
        string[] spellings =
        [
            phone, "00" + phone[1..], $"{phone[..4]} {phone[4..7]} {phone[7..10]} {phone[10..]}", $"{phone[..4]}-{phone[4..]}",
            $" {phone} ", $"{phone[..4]} ({phone[4..7]}) {phone[7..]}", $"{phone[..4]}.{phone[4..]}",
        ];
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 14; i++)
            statuses.Add((await TestData.TokenAsync(_app.ApiClient(), spellings[i % spellings.Length], "guess " + i)).StatusCode);
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task One_email_in_any_case_shares_one_per_login_allowance()
    {
        var email = $"Limit.{Guid.NewGuid():N}@Example.org";
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            var login = (i % 3) switch { 0 => email, 1 => email.ToLowerInvariant(), _ => " " + email.ToUpperInvariant() };
            statuses.Add((await TestData.TokenAsync(_app.ApiClient(), login, "guess " + i)).StatusCode);
        }
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Addresses_in_one_IPv6_64_share_one_per_IP_allowance()
    {
        var network = $"2001:db8:{Random.Shared.Next(1, 0xffff):x}:{Random.Shared.Next(1, 0xffff):x}";
        HttpResponseMessage? limited = null;
        for (var i = 1; i <= 25 && limited is null; i++)
        {
            // A different address (and login) every time, as an attacker with a /64 would use.
            var response = await TestData.TokenAsync(_app.ApiClient($"{network}:{i:x}::{Random.Shared.Next(1, 0xffff):x}"), TestData.Phone(), "whatever password");
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
            else Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        // Another /64 is someone else.
        var other = await TestData.TokenAsync(_app.ApiClient($"2001:db8:{Random.Shared.Next(1, 0xffff):x}:1::1"), TestData.Phone(), "whatever password");
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
    }

    [Fact]
    public async Task An_IPv4_address_and_its_IPv6_mapped_form_are_one_client()
    {
        var ip = TestData.Ip();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 22; i++)
            statuses.Add((await TestData.TokenAsync(_app.ApiClient(i % 2 == 0 ? ip : "::ffff:" + ip), TestData.Phone(), "whatever password")).StatusCode);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }
}
