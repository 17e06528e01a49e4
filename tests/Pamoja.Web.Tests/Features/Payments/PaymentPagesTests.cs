using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pamoja.Web.Features.Payments;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Payments;

/// The payment pages as a member and an official use them without JavaScript: "Pay now" posts a
/// form and lands on the payment's own page, which reloads itself (a meta refresh) until the
/// provider answers; officials see the group's payments and reconciliation exceptions and resolve
/// them; a reserved payout is sent from the payouts page. Real browser-like clients (cookies,
/// antiforgery tokens, no redirects followed) against the app on its port, with its sandbox.
public sealed partial class PaymentPagesTests(PaymentPagesTests.App fixture) : IClassFixture<PaymentPagesTests.App>
{
    public sealed class App : IAsyncLifetime
    {
        public OwnPayments Own { get; private set; } = null!;
        public async Task InitializeAsync() => Own = await OwnPayments.StartAsync();
        public async Task DisposeAsync() => await Own.DisposeAsync();
    }

    private OwnPayments Own => fixture.Own;

    /// A group whose chair signs in on the pages too.
    private static async Task<(PayGroup G, string ChairPhone)> GroupAsync(OwnPayments own, string currency = "KES", System.Text.Json.Nodes.JsonObject? body = null)
    {
        var chair = own.Payments.App.ApiClient();
        var phone = await TestData.SignedInAsync(chair);
        return (await own.GroupAsync(currency, body, chair), phone);
    }

    /// A browser signed in as the phone's account: keeps cookies, follows no redirect, comes from
    /// its own address. (Made here rather than by PamojaFactory.Browser: on an app listening on a
    /// real port, the factory's client follows redirects whatever its options say.)
    private static async Task<HttpClient> BrowserAsync(OwnPayments own, string phone)
    {
        var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = own.Payments.AppUrl,
        };
        browser.DefaultRequestHeaders.Add("X-Forwarded-For", TestData.Ip());
        var signedIn = await Forms.SubmitAsync(browser, "/account/sign-in",
            new Dictionary<string, string> { ["Input.Login"] = phone, ["Input.Password"] = TestData.Password });
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }

    /// A page's text as a reader sees it (entities decoded: "group&#x27;s" is "group's").
    private static async Task<string> PageAsync(HttpClient browser, string path) => WebUtility.HtmlDecode(await browser.GetStringAsync(path));

    /// The page's idempotency token (a hidden "token" field), as a browser would send it back.
    private static async Task<string> PageTokenAsync(HttpClient browser, string path)
    {
        var html = await PageAsync(browser, path);
        var token = TokenPattern().Match(html);
        Assert.True(token.Success, $"no token on {path}");
        return token.Groups[1].Value;
    }

    private static async Task<HttpResponseMessage> PayAsync(HttpClient browser, Guid groupId, string amount, string provider)
    {
        var page = $"/groups/{groupId}/payments";
        return await Forms.SubmitAsync(browser, page, new Dictionary<string, string>
        {
            ["amount"] = amount, ["provider"] = provider, ["token"] = await PageTokenAsync(browser, page),
        }, postPath: page + "?handler=Pay");
    }

    /// The payment a redirect to /groups/{g}/payments/{id} names.
    private static Guid Redirected(HttpResponseMessage response, Guid groupId)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        var match = PaymentPath().Match(location);
        Assert.True(match.Success && match.Groups[1].Value == groupId.ToString(), location);
        return Guid.Parse(match.Groups[2].Value);
    }

    private const string Refresh = "http-equiv=\"refresh\"";

    [Fact]
    public async Task Pay_now_redirects_to_the_payment_page_which_refreshes_while_pending_and_shows_paid_with_the_receipt()
    {
        // M-Pesa, a member with an ordinary number: the push succeeds.
        var (g, _) = await GroupAsync(Own);
        var (_, _, phone) = await g.MemberAsync(TestData.Phone());
        var browser = await BrowserAsync(Own, phone);
        var form = await PageAsync(browser, $"/groups/{g.GroupId}/payments");
        Assert.Contains("Pay now", form, StringComparison.Ordinal);
        Assert.Contains("value=\"mpesa\"", form, StringComparison.Ordinal);
        Assert.Contains("value=\"momo\"", form, StringComparison.Ordinal);
        Assert.Contains("Amount (KES)", form, StringComparison.Ordinal);

        var paymentId = Redirected(await PayAsync(browser, g.GroupId, "1,500", "mpesa"), g.GroupId);
        var payment = await Own.Payments.SettledAsync(paymentId);
        Assert.Equal(("succeeded", 150_000L, "mpesa"), (payment.Status, payment.Amount, payment.Provider));
        var paid = await browser.GetAsync($"/groups/{g.GroupId}/payments/{paymentId}");
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        var html = WebUtility.HtmlDecode(await paid.Content.ReadAsStringAsync());
        Assert.Contains("<strong>Paid</strong>", html, StringComparison.Ordinal);
        Assert.Contains($"<dt>Receipt</dt><dd>{payment.Receipt}</dd>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(Refresh, html, StringComparison.Ordinal);
        // The member's list shows it too, with its receipt.
        var list = await PageAsync(browser, $"/groups/{g.GroupId}/payments");
        Assert.Contains("My payments", list, StringComparison.Ordinal);
        Assert.Contains(payment.Receipt!, list, StringComparison.Ordinal);

        // MoMo, a member with MTN's "Ongoing" number: the request stays PENDING at MTN for ever,
        // so the page is seen waiting, reloading itself, whenever it is opened.
        var (u, _) = await GroupAsync(Own, "UGX");
        var (_, _, ongoing) = await u.PersonAsync("+46733123453");
        var momoBrowser = await BrowserAsync(Own, ongoing);
        var pendingId = Redirected(await PayAsync(momoBrowser, u.GroupId, "25,000", "momo"), u.GroupId);
        Assert.Equal(25_000, (await Own.Payments.PaymentAsync(pendingId)).Amount);
        Assert.True(await PaymentsApp.EventuallyAsync(async () =>
            await u.CountAsync("SELECT count(*) FROM payments WHERE id = $1 AND stage = 'sent'", pendingId) == 1), "the request was never sent");
        var waiting = await PageAsync(momoBrowser, $"/groups/{u.GroupId}/payments/{pendingId}");
        Assert.Contains(Refresh, waiting, StringComparison.Ordinal);
        Assert.Contains("This page updates by itself.", waiting, StringComparison.Ordinal);
        Assert.Matches("<strong>(Waiting for the provider|Checking with the provider)</strong>", waiting);
        Assert.DoesNotContain("<dt>Receipt</dt>", waiting, StringComparison.Ordinal);
        Assert.Contains((await Own.Payments.PaymentAsync(pendingId)).Status, new[] { "pending", "unknown" });
    }

    [Theory]
    [InlineData("abc", "like 1,500")]
    [InlineData("-5", "like 1,500")]
    [InlineData("12.345", "at most 2 decimals")]
    [InlineData("1,50", "like 1,500")]
    [InlineData("", "like 1,500")]
    public async Task A_bad_amount_shows_the_form_again_with_the_error_and_400(string amount, string error)
    {
        var (g, _) = await GroupAsync(Own);
        var (_, _, phone) = await g.MemberAsync(TestData.Phone());
        var browser = await BrowserAsync(Own, phone);

        var response = await PayAsync(browser, g.GroupId, amount, "mpesa");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("There is a problem", html, StringComparison.Ordinal);
        Assert.Contains(error, html, StringComparison.Ordinal);
        Assert.Contains("Send the request to my phone", html, StringComparison.Ordinal);
        Assert.Contains("name=\"__RequestVerificationToken\"", html, StringComparison.Ordinal);
        Assert.Equal(0, await g.CountAsync("SELECT count(*) FROM payments WHERE group_id = $1", g.GroupId));
    }

    [Fact]
    public async Task A_payment_the_provider_cannot_carry_shows_the_form_again_with_the_reason()
    {
        var (g, _) = await GroupAsync(Own);
        var (_, _, phone) = await g.MemberAsync(TestData.Phone());
        var browser = await BrowserAsync(Own, phone);

        var momo = await PayAsync(browser, g.GroupId, "1,500", "momo"); // MoMo does not carry KES
        Assert.Equal(HttpStatusCode.UnprocessableEntity, momo.StatusCode);
        Assert.Contains("KES", await momo.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var unknown = await PayAsync(browser, g.GroupId, "1,500", "paypal");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("There is a problem", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await g.CountAsync("SELECT count(*) FROM payments WHERE group_id = $1", g.GroupId));
    }

    [Fact]
    public async Task An_official_sees_the_groups_payments_and_exceptions_and_resolves_one_a_member_cannot()
    {
        var (g, chairPhone) = await GroupAsync(Own);
        var (memberId, member, memberPhone) = await g.MemberAsync(TestData.Phone());
        var paymentId = await g.CollectOkAsync(member, memberId, 40_000);
        var payment = await Own.Payments.SettledAsync(paymentId);
        Assert.Equal("succeeded", payment.Status);

        // Someone pays the paybill with the pay code of a person invited who has not joined yet:
        // the money is the group's business, but no member's contribution.
        var invited = await GroupData.InviteAsync(g.Chair, g.GroupId, TestData.Phone());
        var code = (string)(await g.ScalarAsync("SELECT pay_code FROM group_members WHERE id = $1", invited))!;
        var transId = LedgerData.MpesaReceipt();
        using (var http = new HttpClient { BaseAddress = Own.Payments.AppUrl })
        {
            var token = Uri.EscapeDataString(await Own.Payments.Service<CallbackTokens>().ForPaybillAsync(CancellationToken.None));
            using var confirmed = await http.PostAsync("/webhooks/mpesa/c2b/confirmation?k=" + token,
                new StringContent(PaybillDepositTests.C2bBody(transId, code, "300.00"), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        }
        var exception = (await g.Chair.GetFromJsonAsync<JsonElement>(g.Path("reconciliation/exceptions"))).EnumerateArray()
            .Single(e => e.GetProperty("detail").GetString()!.Contains(transId, StringComparison.Ordinal));
        Assert.Equal("unmatched_deposit", exception.GetProperty("kind").GetString());
        var exceptionId = exception.GetProperty("id").GetGuid();

        // The chair sees every payment of the group and the open exception.
        var chair = await BrowserAsync(Own, chairPhone);
        var page = $"/groups/{g.GroupId}/payments";
        var chairView = await PageAsync(chair, page);
        Assert.Contains("The group's payments", chairView, StringComparison.Ordinal);
        Assert.Contains(payment.Receipt!, chairView, StringComparison.Ordinal);
        Assert.Contains("Reconciliation exceptions", chairView, StringComparison.Ordinal);
        Assert.Contains("unmatched deposit", chairView, StringComparison.Ordinal);
        Assert.Contains(transId, chairView, StringComparison.Ordinal);
        Assert.Contains($"value=\"{exceptionId}\"", chairView, StringComparison.Ordinal);

        // A member sees their own payments only, no exceptions, and may not resolve one.
        var memberBrowser = await BrowserAsync(Own, memberPhone);
        var memberView = await PageAsync(memberBrowser, page);
        Assert.Contains("My payments", memberView, StringComparison.Ordinal);
        Assert.Contains(payment.Receipt!, memberView, StringComparison.Ordinal);
        Assert.DoesNotContain("Reconciliation exceptions", memberView, StringComparison.Ordinal);
        Assert.DoesNotContain(transId, memberView, StringComparison.Ordinal);
        var forbidden = await Forms.SubmitAsync(memberBrowser, page, new Dictionary<string, string>
        {
            ["exceptionId"] = exceptionId.ToString(), ["resolution"] = "I paid it myself", ["token"] = await PageTokenAsync(memberBrowser, page),
        }, postPath: page + "?handler=Resolve");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        // The chair must say what was done; then it is resolved, once.
        var resolve = new Dictionary<string, string> { ["exceptionId"] = exceptionId.ToString(), ["resolution"] = "", ["token"] = await PageTokenAsync(chair, page) };
        var empty = await Forms.SubmitAsync(chair, page, resolve, postPath: page + "?handler=Resolve");
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("Say what was done", WebUtility.HtmlDecode(await empty.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        resolve["resolution"] = $"Deposit {transId} refunded to the payer; they will pay once they have joined";
        var resolved = await Forms.SubmitAsync(chair, page, resolve, postPath: page + "?handler=Resolve");
        Assert.Equal(HttpStatusCode.Redirect, resolved.StatusCode);
        Assert.Equal(page, resolved.Headers.Location!.OriginalString);
        var after = await PageAsync(chair, page);
        Assert.Contains("Exception resolved.", after, StringComparison.Ordinal);
        Assert.Contains("None open", after, StringComparison.Ordinal);
        var again = await Forms.SubmitAsync(chair, page, resolve, postPath: page + "?handler=Resolve");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        var closed = (await g.Chair.GetFromJsonAsync<JsonElement>(g.Path("reconciliation/exceptions?open=false"))).EnumerateArray()
            .Single(e => e.GetProperty("id").GetGuid() == exceptionId);
        Assert.StartsWith($"Deposit {transId} refunded", closed.GetProperty("resolution").GetString(), StringComparison.Ordinal);
        Assert.Equal(40_000, await g.ContributedAsync(memberId));
        Assert.Equal(0, await g.CountAsync("SELECT count(*) FROM contributions WHERE reference = $1", transId));
    }

    [Fact]
    public async Task A_payment_of_another_group_or_another_member_is_not_found()
    {
        var (a, chairA) = await GroupAsync(Own);
        var (b, _) = await GroupAsync(Own);
        var (payer, payerClient, _) = await b.MemberAsync(TestData.Phone());
        var (_, _, otherPhone) = await b.MemberAsync(TestData.Phone());
        var paymentId = await b.CollectOkAsync(payerClient, payer, 20_000);
        await Own.Payments.SettledAsync(paymentId);

        var browser = await BrowserAsync(Own, chairA);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/groups/{a.GroupId}/payments/{paymentId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/groups/{b.GroupId}/payments/{paymentId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/groups/{a.GroupId}/payments/{Guid.NewGuid()}")).StatusCode);
        var other = await BrowserAsync(Own, otherPhone);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/groups/{b.GroupId}/payments/{paymentId}")).StatusCode);
        Assert.DoesNotContain(paymentId.ToString(), await PageAsync(browser, $"/groups/{a.GroupId}/payments"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_payouts_page_sends_a_reserved_payout_by_mpesa_once_and_follows_it_on_the_payment_page()
    {
        // Its own app: the engines run on a fake clock.
        const long each = 100_000;
        var clock = ScheduleData.NewClock();
        await using var own = await OwnPayments.StartAsync(clock: clock);
        var (g, chairPhone) = await GroupAsync(own, body: ScheduleData.Rosca("KES", each, pot: "gross"));
        var (recipient, _, recipientPhone) = await g.MemberAsync(TestData.Phone());
        clock.Advance(TimeSpan.FromSeconds(1));
        var (other, _, _) = await g.MemberAsync(TestData.Phone());
        var order = await g.Chair.PutAsJsonAsync(g.Path("rotation"), new { order = new[] { recipient, g.G.ChairMemberId, other } });
        Assert.True(order.StatusCode == HttpStatusCode.NoContent, await order.Content.ReadAsStringAsync());
        foreach (var member in new[] { recipient, g.G.ChairMemberId, other })
        {
            var paid = await g.G.ContributeAsync(member, each, "mpesa", LedgerData.MpesaReceipt());
            Assert.True(paid.StatusCode == HttpStatusCode.Created, await paid.Content.ReadAsStringAsync());
        }
        var due = ScheduleData.Due(1);
        clock.MoveTo(due);
        Assert.Equal(1, (await g.G.App.RunEnginesAsync(g.GroupId, due)).PayoutsReserved);
        // Paid by hand unless someone sends it: nothing queued yet.
        Assert.Equal(0, await g.CountAsync("SELECT count(*) FROM payments WHERE group_id = $1", g.GroupId));
        var payoutId = (await g.Chair.GetFromJsonAsync<JsonElement>(g.Path("payouts"))).EnumerateArray().Single().GetProperty("id").GetGuid();

        // The recipient sees it ready, without the official's buttons.
        var recipientView = await PageAsync(await BrowserAsync(own, recipientPhone), $"/groups/{g.GroupId}/payouts");
        Assert.Contains("Another official confirms your payout.", recipientView, StringComparison.Ordinal);
        Assert.DoesNotContain("Send by", recipientView, StringComparison.Ordinal);

        var chair = await BrowserAsync(own, chairPhone);
        var page = $"/groups/{g.GroupId}/payouts";
        var payouts = await PageAsync(chair, page);
        Assert.Contains("Ready to pay", payouts, StringComparison.Ordinal);
        Assert.Contains("Send by M-Pesa", payouts, StringComparison.Ordinal);
        Assert.Contains("Send by MTN MoMo", payouts, StringComparison.Ordinal);

        // One form, sent twice (a double tap): one payment, the same redirect.
        var form = new Dictionary<string, string> { ["payoutId"] = payoutId.ToString(), ["provider"] = "mpesa", ["token"] = await PageTokenAsync(chair, page) };
        var paymentId = Redirected(await Forms.SubmitAsync(chair, page, form, postPath: page + "?handler=Send"), g.GroupId);
        Assert.Equal(paymentId, Redirected(await Forms.SubmitAsync(chair, page, form, postPath: page + "?handler=Send"), g.GroupId));
        Assert.Equal(1, await g.CountAsync("SELECT count(*) FROM payments WHERE group_id = $1 AND payout_id = $2", g.GroupId, payoutId));

        var payment = await own.Payments.SettledAsync(paymentId);
        Assert.Equal(("succeeded", "payout", 3 * each), (payment.Status, payment.Direction, payment.Amount));
        var html = await PageAsync(chair, $"/groups/{g.GroupId}/payments/{paymentId}");
        Assert.Contains("Payout by M-Pesa", html, StringComparison.Ordinal);
        Assert.Contains("<strong>Paid</strong>", html, StringComparison.Ordinal);
        Assert.Contains($"<dt>Receipt</dt><dd>{payment.Receipt}</dd>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(Refresh, html, StringComparison.Ordinal);
        Assert.Equal("paid", (await g.Chair.GetFromJsonAsync<JsonElement>(g.Path("payouts"))).EnumerateArray().Single().GetProperty("status").GetString());
        Assert.DoesNotContain("Send by M-Pesa", await PageAsync(chair, page), StringComparison.Ordinal);
        Assert.Equal(0, await g.BalanceAsync("clearing:mpesa"));
        await g.G.AssertInvariantsAsync();
    }

    [GeneratedRegex("name=\"token\" value=\"([0-9a-f-]{36})\"")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("^/groups/([0-9a-f-]{36})/payments/([0-9a-f-]{36})$")]
    private static partial Regex PaymentPath();
}
