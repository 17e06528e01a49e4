using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Pamoja.Web.Features.Accounts;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Dashboards;

/// Who may open which dashboard and download what: outsiders get 404, members their own data
/// only, officials the group's; the operator page is for operators. CSV content as written.
public sealed class DashboardAccessTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    private LedgerGroup _g = null!;
    private string _chairPhone = "";
    private Guid _memberId;
    private string _memberPhone = "";
    private readonly string _reference = "DEP," + Guid.NewGuid().ToString("N")[..8]; // a comma to quote

    public async Task InitializeAsync()
    {
        _app = await PamojaFactory.SharedAsync();
        var chair = _app.ApiClient();
        _chairPhone = await TestData.SignedInAsync(chair);
        _g = await LedgerData.GroupAsync(_app, chair, LedgerData.GroupIn("KES", "CSV Chama, \"Umoja\""));
        (_memberId, _, _memberPhone) = await GroupData.AddActiveAsync(_app, chair, _g.GroupId);
        // A name a spreadsheet would run as a formula, with a comma and quotes in it.
        await GroupData.ExecuteAsync("UPDATE group_members SET full_name = $2 WHERE id = $1", _memberId, "=HYPERLINK(\"http://x\"), \"Evil\"");
        await _g.CreatedAsync(await _g.ContributeAsync(_memberId, 150_050, "bank", reference: _reference));
        await _g.CreatedAsync(await _g.ContributeAsync(_g.ChairMemberId, 200_000));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_outsider_gets_404_on_the_dashboard_print_views_and_every_download()
    {
        var outsider = _app.ApiClient();
        var phone = await TestData.SignedInAsync(outsider);
        await GroupData.CreateAsync(outsider); // a member of some other group
        var browser = await _app.SignedInBrowserAsync(phone);
        foreach (var path in new[] { "dashboard", "export", "export?handler=Ledger", "export?handler=Contributions", "export?handler=Balances",
                     "statement?print=1", "statement?handler=Csv" })
        {
            var response = await browser.GetAsync($"/groups/{_g.GroupId}/{path}");
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} → {(int)response.StatusCode}");
            Assert.DoesNotContain("Evil", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_member_downloads_the_ledger_and_their_own_balance_but_not_everyones_contributions()
    {
        var member = await _app.SignedInBrowserAsync(_memberPhone);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/groups/{_g.GroupId}/export?handler=Contributions")).StatusCode);

        var balances = await member.GetAsync($"/groups/{_g.GroupId}/export?handler=Balances");
        Assert.Equal(HttpStatusCode.OK, balances.StatusCode);
        var rows = (await balances.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        Assert.Equal(2, rows.Length); // the header and the member's own row
        Assert.StartsWith(_memberId.ToString(), rows[1], StringComparison.Ordinal);
        Assert.EndsWith(",1500.50,0.00,0.00,1500.50,KES", rows[1], StringComparison.Ordinal);

        var ledger = await member.GetAsync($"/groups/{_g.GroupId}/export?handler=Ledger");
        Assert.Equal("text/csv", ledger.Content.Headers.ContentType!.MediaType);
        var text = await ledger.Content.ReadAsStringAsync();
        Assert.StartsWith("seq,posted_at,effective_on,kind,memo,reference,account,account_name,amount,currency\n", text, StringComparison.Ordinal);
        Assert.Contains($",member:{_memberId}:contributions,", text, StringComparison.Ordinal);
        Assert.Contains(",-1500.50,KES\n", text, StringComparison.Ordinal);
        Assert.Contains(",-2000.00,KES\n", text, StringComparison.Ordinal);
        Assert.Contains($",\"{_reference}\",", text, StringComparison.Ordinal);

        var page = await member.GetStringAsync($"/groups/{_g.GroupId}/export");
        Assert.DoesNotContain("handler=Contributions", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_official_downloads_every_contribution_with_names_escaped_and_a_file_name()
    {
        var chair = await _app.SignedInBrowserAsync(_chairPhone);
        var response = await chair.GetAsync($"/groups/{_g.GroupId}/export?handler=Contributions");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Matches(@"^contributions-csv-chama-umoja-\d{8}\.csv$", disposition.FileNameStar ?? disposition.FileName!.Trim('"'));

        var lines = (await response.Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        Assert.Equal("seq,effective_on,member_id,member,kind,amount,reference,memo,currency", lines[0]);
        Assert.Equal(3, lines.Length);
        var evil = Assert.Single(lines, l => l.Contains(_memberId.ToString(), StringComparison.Ordinal));
        Assert.Contains($",{_memberId},\"'=HYPERLINK(\"\"http://x\"\"), \"\"Evil\"\"\",contribution,1500.50,\"{_reference}\",", evil, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains($",{_g.ChairMemberId},Test Member,contribution,2000.00,", StringComparison.Ordinal));

        var all = await chair.GetStringAsync($"/groups/{_g.GroupId}/export?handler=Balances");
        Assert.Equal(3, all.TrimEnd('\n').Split('\n').Length); // the chair sees both members
    }

    [Fact]
    public async Task The_statement_print_view_has_no_menus_or_forms_and_the_screen_view_links_to_it()
    {
        var member = await _app.SignedInBrowserAsync(_memberPhone);
        var screen = await member.GetStringAsync($"/groups/{_g.GroupId}/statement");
        Assert.Contains("aria-label=\"Group menu\"", screen, StringComparison.Ordinal);
        Assert.Contains($"href=\"/groups/{_g.GroupId}/statement?print=1\"", screen, StringComparison.Ordinal);

        var print = await member.GetStringAsync($"/groups/{_g.GroupId}/statement?print=1");
        Assert.DoesNotContain("aria-label=\"Group menu\"", print, StringComparison.Ordinal);
        Assert.DoesNotContain("site-header", print, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", print, StringComparison.Ordinal);
        Assert.Contains("Back to the statement", print, StringComparison.Ordinal);
        Assert.Contains("1,500.50", print, StringComparison.Ordinal);
        Assert.Contains("Printed from Pamoja", print, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_flow_is_linked_from_the_group_menu_for_a_treasurer()
    {
        var (_, _, phone) = await GroupData.AddActiveAsync(_app, _g.Chair, _g.GroupId, "treasurer");
        var treasurer = await _app.SignedInBrowserAsync(phone);
        var page = await treasurer.GetStringAsync($"/groups/{_g.GroupId}/dashboard");
        foreach (var path in new[] { "dashboard", "members", "meeting", "schedule", "payouts", "payments", "statement", "ledger", "export", "audit" })
            Assert.Contains($"href=\"/groups/{_g.GroupId}/{path}\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"href=\"/groups/{_g.GroupId}/settings\"", page, StringComparison.Ordinal); // the chair's
        Assert.Contains("href=\"/groups\"", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/account/security\"", page, StringComparison.Ordinal);
        // Each linked page opens for them.
        foreach (var path in new[] { "members", "meeting", "schedule", "payouts", "payments", "statement", "ledger", "export", "audit" })
            Assert.Equal(HttpStatusCode.OK, (await treasurer.GetAsync($"/groups/{_g.GroupId}/{path}")).StatusCode);
    }

    [Fact]
    public async Task Only_an_operator_sees_health_dead_jobs_and_open_exceptions_and_can_retry_a_dead_job()
    {
        var member = await _app.SignedInBrowserAsync(_memberPhone);
        var refused = await member.GetAsync("/operator");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/account/denied", new Uri(new Uri("http://localhost"), refused.Headers.Location!).AbsolutePath);

        var phone = TestData.Phone();
        await TestData.RegisterAsync(_app.ApiClient(), phone);
        using (var scope = _app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            Assert.True((await users.AddToRoleAsync((await users.FindByNameAsync(phone))!, Roles.Operator)).Succeeded);
        }
        var jobId = Guid.NewGuid();
        var kind = "dashboard-test-" + jobId.ToString("N")[..8];
        await GroupData.ExecuteAsync("""
            INSERT INTO jobs (id, kind, status, attempts, max_attempts, run_after, last_error, created_at, updated_at, finished_at)
            VALUES ($1, $2, 'dead', 8, 8, now(), 'provider said no', now(), now(), now())
            """, jobId, kind);
        var exceptionDetail = "dashboard test " + jobId;
        await GroupData.ExecuteAsync("""
            INSERT INTO reconciliation_exceptions (id, group_id, kind, amount, currency, detail, dedupe_key, found_at)
            VALUES ($1, $2, 'unmatched_receipt', 150050, 'KES', $3, $3, now())
            """, Guid.NewGuid(), _g.GroupId, exceptionDetail);

        var op = await _app.SignedInBrowserAsync(phone);
        var page = await op.GetStringAsync("/operator");
        Assert.Contains("The platform is healthy.", page, StringComparison.Ordinal);
        Assert.Contains(kind, page, StringComparison.Ordinal);
        Assert.Contains("provider said no", page, StringComparison.Ordinal);
        Assert.Contains(exceptionDetail, page, StringComparison.Ordinal);
        Assert.Contains("KES 1,500.50", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/operator\"", await op.GetStringAsync("/"), StringComparison.Ordinal);

        var retried = await Forms.SubmitAsync(op, "/operator", new Dictionary<string, string> { ["jobId"] = jobId.ToString() }, postPath: "/operator?handler=Retry");
        Assert.Equal(HttpStatusCode.Redirect, retried.StatusCode);
        Assert.Equal("queued", await GroupData.ScalarAsync("SELECT status FROM jobs WHERE id = $1", jobId));
        // Leave the shared database as other tests expect it: no stray job, no open exception.
        await GroupData.ExecuteAsync("DELETE FROM jobs WHERE id = $1", jobId);
        await GroupData.ExecuteAsync("UPDATE reconciliation_exceptions SET resolved_at = now(), resolution = 'test' WHERE dedupe_key = $1", exceptionDetail);
    }
}
