using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Core.Groups;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Features.Shared.Localization;

namespace Pamoja.Web.Features.Ledger.Pages;

/// A statement with a running balance: by default the caller's own account; officials may read
/// any member's (?memberId=), plain members only their own; everyone may read the group pool's
/// (?pool=1). Filter by dates; download as CSV; print.
[Authorize]
public sealed class StatementModel(GroupQueries groups, MemberQueries members, LedgerQueries ledger) : PageModel
{
    public GroupView Group { get; private set; } = null!;
    public GroupContext Caller { get; private set; } = null!;
    public Currency Currency { get; private set; } = null!;
    public StatementView Statement { get; private set; } = null!;
    public IReadOnlyList<MemberView> Members { get; private set; } = [];

    /// Null for the pool statement.
    public MemberView? Member { get; private set; }
    public bool Pool => Member is null;
    public bool Official => RolePermissions.IsOfficial(Caller.Role);

    /// The filter as typed, shown again in the form.
    public string? From { get; private set; }
    public string? To { get; private set; }

    public static readonly string[] FieldOrder = ["from", "to"];

    /// ?print=1: the statement alone on a plain page (no menus, no forms), to print or save as PDF.
    public bool PrintView { get; private set; }

    private PageTexts T => this.Texts();

    public Task<IActionResult> OnGetAsync(Guid? memberId, string? pool, string? from, string? to, string? print, CancellationToken ct)
    {
        PrintView = print is "1" or "true" or "yes";
        ViewData["PrintView"] = PrintView;
        return LoadAsync(memberId, pool, from, to, ct, _ => Page());
    }

    public Task<IActionResult> OnGetCsvAsync(Guid? memberId, string? pool, string? from, string? to, CancellationToken ct) =>
        LoadAsync(memberId, pool, from, to, ct, _ =>
        {
            if (!ModelState.IsValid)
                return Page(); // the dates were wrong: the page says which
            var who = Pool ? "group-pool" : Slug(Member!.FullName);
            var name = $"statement-{Slug(Group.Name)}-{who}-{DateTime.UtcNow:yyyyMMdd}.csv";
            return File(Encoding.UTF8.GetBytes(StatementCsv.Write(Statement)), "text/csv; charset=utf-8", name);
        });

    private async Task<IActionResult> LoadAsync(Guid? memberId, string? pool, string? from, string? to, CancellationToken ct, Func<StatementView, IActionResult> done)
    {
        Caller = GroupContext.From(HttpContext);
        var wantsPool = pool is "1" or "true" or "yes";
        // Members see their own statement and the group's; officials anyone's.
        if (!wantsPool && memberId is { } other && other != Caller.MemberId && !RolePermissions.IsOfficial(Caller.Role))
            return StatusCode(StatusCodes.Status403Forbidden);

        Group = await groups.ViewAsync(Caller, ct);
        Currency = Currency.Get(Group.Currency);
        Members = await members.ListAsync(Caller, ct);
        if (!wantsPool)
        {
            var id = memberId ?? Caller.MemberId;
            Member = Members.FirstOrDefault(m => m.MemberId == id);
            if (Member is null)
                return NotFound();
        }

        From = from;
        To = to;
        var fromDate = ParseDate("from", from, T["The “from” date is not a date. Use the date picker, or write it like 2026-03-31."]);
        var toDate = ParseDate("to", to, T["The “to” date is not a date. Use the date picker, or write it like 2026-03-31."]);
        if (fromDate is not null && toDate is not null && fromDate > toDate)
        {
            ModelState.AddModelError("to", T["The “to” date must not be before the “from” date."]);
            toDate = null;
        }
        Statement = await ledger.StatementAsync(Caller, Member?.MemberId, fromDate, toDate, ct);
        return done(Statement);
    }

    private DateOnly? ParseDate(string field, string? text, string notADate)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return date;
        ModelState.AddModelError(field, notADate);
        return null;
    }

    /// The statement's own title: "Your statement", "Statement of Amina Kamau", "The group pool".
    public string Title => Pool ? T["The group pool"] : Member!.MemberId == Caller.MemberId ? T["Your statement"] : T["Statement of {0}", Member.FullName];

    public string Period => (Statement.From, Statement.To) switch
    {
        (null, null) => T["Everything so far"],
        ({ } f, null) => T["From {0}", T.ShortDate(f)],
        (null, { } t) => T["Up to {0}", T.ShortDate(t)],
        ({ } f, { } t) => T["{0} to {1}", T.ShortDate(f), T.ShortDate(t)],
    };

    /// The query string of this statement and filter, for the CSV link.
    public string Query(string? handler = null, bool print = false)
    {
        var parts = new List<string>();
        if (handler is not null) parts.Add("handler=" + handler);
        if (print) parts.Add("print=1");
        if (Pool) parts.Add("pool=1");
        else if (Member!.MemberId != Caller.MemberId) parts.Add("memberId=" + Member.MemberId);
        if (Statement.From is { } f) parts.Add("from=" + f.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (Statement.To is { } t) parts.Add("to=" + t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }

    private static string Slug(string text)
    {
        var sb = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
            if (char.IsAsciiLetterOrDigit(c)) sb.Append(c);
            else if (sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        var slug = sb.ToString().Trim('-');
        return slug.Length == 0 ? "member" : slug.Length > 40 ? slug[..40] : slug;
    }
}
