using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Core.Groups;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Groups.Pages;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Features.Shared.Localization;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Ledger.Pages;

/// The treasurer's meeting screen: one form with a row per member (amount prefilled with the
/// contribution, method, reference) and one date for the meeting. Each filled row is recorded
/// through RecordContribution with the Idempotency-Key "{BatchToken}:{memberId}", where the
/// token is made once per rendering of the screen: a double tap, a browser retry or a resubmit
/// after fixing one row replays the rows already recorded instead of recording them again.
[Authorize]
[RequiresPermission(Permission.RecordMoney)]
[RequestFormLimits(ValueCountLimit = 4096)] // five fields a row, for up to 500 members (the default stops at 1,024 fields)
public sealed class MeetingModel(GroupQueries groups, MemberQueries members, LedgerQueries ledger, RecordContribution record, TimeProvider clock) : PageModel
{
    [BindProperty]
    public Guid BatchToken { get; set; }

    [BindProperty]
    public string? MeetingDate { get; set; }

    [BindProperty]
    public List<RowInput> Rows { get; set; } = [];

    public GroupView Group { get; private set; } = null!;
    public Currency Currency { get; private set; } = null!;
    public IReadOnlyList<Row> Lines { get; private set; } = [];

    /// After a POST: what happened, in a sentence or two.
    public IReadOnlyList<string> Summary { get; private set; } = [];
    public int Recorded { get; private set; }

    /// Every row is recorded: nothing left to enter on this screen.
    public bool AllRecorded => Lines.Count > 0 && Lines.All(l => l.Locked);

    /// The error summary's order: the date, then each row's fields top to bottom.
    public string[] FieldOrder { get; private set; } = [nameof(MeetingDate)];

    public sealed class RowInput
    {
        public Guid MemberId { get; set; }

        /// Ticked by the treasurer for each member who paid. Amounts are prefilled with the
        /// contribution, so only ticked rows are recorded: a form sent early (an Enter pressed
        /// too soon) records nobody who did not pay.
        public bool Paid { get; set; }
        public string? Amount { get; set; }
        public string? Method { get; set; }
        public string? Reference { get; set; }

        /// Only on rows already recorded: the date they were recorded with, so a resubmit after
        /// the date was changed still replays them.
        public string? PaidOn { get; set; }
    }

    /// Open: not recorded (empty, or not sent yet). Recorded: just now. Replayed: by an earlier
    /// submit of this screen, answered again from its Idempotency-Key. Invalid: needs fixing.
    public enum RowState { Open, Recorded, Replayed, Invalid }

    private sealed record Outcome(RowInput Input, RowState State, string? AmountError = null, string? MethodError = null,
        string? ReferenceError = null, ContributionResponse? Contribution = null);

    /// One member's row as the page shows it.
    public sealed record Row(int Index, Guid MemberId, string Name, string Status, long? Balance, RowInput Input, RowState State,
        string? AmountError, string? MethodError, string? ReferenceError, ContributionResponse? Contribution)
    {
        public bool Locked => State is RowState.Recorded or RowState.Replayed;
    }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var caller = GroupContext.From(HttpContext);
        await LoadGroupAsync(caller, ct);
        BatchToken = Guid.NewGuid();
        MeetingDate = clock.Today(Group.TimeZone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var prefill = Group.Contribution.Amount is { } amount ? LedgerWords.InputText(Currency, amount) : "";
        var roster = await RosterAsync(caller, ct);
        Rows = roster.Select(m => new RowInput { MemberId = m.MemberId, Amount = prefill, Method = "cash" }).ToList();
        await BuildLinesAsync(caller, Rows.Select(r => new Outcome(r, RowState.Open)).ToList(), ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var caller = GroupContext.From(HttpContext);
        var started = clock.GetUtcNow();
        await LoadGroupAsync(caller, ct);
        ModelState.Clear(); // every error below is ours, keyed to the rows as rendered again

        var roster = await RosterAsync(caller, ct);
        // The rows as posted, in their order, then anyone who became a member since the screen was opened.
        var posted = Rows.Where(r => r.MemberId != Guid.Empty).DistinctBy(r => r.MemberId).ToList();
        posted.AddRange(roster.Where(m => posted.All(r => r.MemberId != m.MemberId)).Select(m => new RowInput { MemberId = m.MemberId, Method = "cash" }));
        Rows = posted;

        DateOnly? meetingDate = null;
        var today = clock.Today(Group.TimeZone);
        if (BatchToken == Guid.Empty)
            ModelState.AddModelError("", T["This form is out of date. Open the meeting screen again and enter the payments there."]);
        else if (string.IsNullOrWhiteSpace(MeetingDate))
            ModelState.AddModelError(nameof(MeetingDate), T["Enter the date of the meeting."]);
        else if (!DateOnly.TryParseExact(MeetingDate.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            ModelState.AddModelError(nameof(MeetingDate), T["Enter the date of the meeting as a date, like {0}.", today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)]);
        else if (date > today)
            ModelState.AddModelError(nameof(MeetingDate), T["The meeting date cannot be in the future."]);
        else if (date < new DateOnly(2000, 1, 1))
            ModelState.AddModelError(nameof(MeetingDate), T["That meeting date is too far in the past."]);
        else
            meetingDate = date;

        // One row after the other, each in its own transaction: a bad row does not hold up the others.
        var outcomes = new List<Outcome>();
        foreach (var row in Rows)
            outcomes.Add(meetingDate is { } paidOn ? await RecordAsync(caller, row, paidOn, started, ct) : new Outcome(row, RowState.Open));

        var names = _everyone.ToDictionary(m => m.MemberId, m => m.FullName);

        // Errors go into ModelState too, with the member's name, for the summary at the top.
        for (var i = 0; i < outcomes.Count; i++)
        {
            var o = outcomes[i];
            var name = names.GetValueOrDefault(o.Input.MemberId) ?? T["A former member"];
            if (o.AmountError is not null) ModelState.AddModelError($"Rows[{i}].Amount", $"{name}: {o.AmountError}");
            if (o.MethodError is not null) ModelState.AddModelError($"Rows[{i}].Method", $"{name}: {o.MethodError}");
            if (o.ReferenceError is not null) ModelState.AddModelError($"Rows[{i}].Reference", $"{name}: {o.ReferenceError}");
        }

        var fresh = outcomes.Where(o => o.State == RowState.Recorded).Select(o => o.Contribution!).ToList();
        var replayed = outcomes.Where(o => o.State == RowState.Replayed).Select(o => o.Contribution!).ToList();
        var invalid = outcomes.Count(o => o.State == RowState.Invalid);
        var summary = new List<string>();
        if (meetingDate is not null)
        {
            if (fresh.Count > 0)
                summary.Add(fresh.Count == 1
                    ? T["Recorded 1 payment, total {0}.", Currency.Format(fresh.Sum(c => c.Amount))]
                    : T["Recorded {0} payments, total {1}.", fresh.Count, Currency.Format(fresh.Sum(c => c.Amount))]);
            if (replayed.Count > 0)
            {
                var total = Currency.Format(replayed.Sum(c => c.Amount));
                summary.Add((fresh.Count == 0, replayed.Count == 1) switch
                {
                    (true, true) => T["Nothing new recorded: 1 payment ({0}) was already recorded from this screen, and was not recorded again.", total],
                    (true, false) => T["Nothing new recorded: {0} payments ({1}) were already recorded from this screen, and were not recorded again.", replayed.Count, total],
                    (false, true) => T["1 payment ({0}) was already recorded from this screen, and was not recorded again.", total],
                    (false, false) => T["{0} payments ({1}) were already recorded from this screen, and were not recorded again.", replayed.Count, total],
                });
            }
            if (fresh.Count == 0 && replayed.Count == 0 && invalid == 0)
                summary.Add(T["Nothing recorded: tick “Paid” for each member who paid."]);
            if (invalid > 0)
                summary.Add(invalid == 1
                    ? T["1 row needs fixing (marked below). Correct it and press “Record payments” again: the rows already recorded will not be recorded twice."]
                    : T["{0} rows need fixing (marked below). Correct them and press “Record payments” again: the rows already recorded will not be recorded twice.", invalid]);
        }
        Summary = summary;
        Recorded = fresh.Count + replayed.Count;
        await BuildLinesAsync(caller, outcomes, ct);
        return Page();
    }

    private async Task<Outcome> RecordAsync(
        GroupContext caller, RowInput row, DateOnly meetingDate, DateTimeOffset started, CancellationToken ct)
    {
        var amountText = row.Amount?.Trim() ?? "";
        var method = LedgerWords.Methods.Any(m => m.Value == row.Method) ? row.Method! : "cash";
        var reference = string.IsNullOrWhiteSpace(row.Reference) ? null : row.Reference.Trim();
        if (reference is not null && method == "mpesa")
            reference = reference.ToUpperInvariant(); // receipts are capitals; phones type them in lower case
        row.Amount = amountText;
        row.Method = method;
        row.Reference = reference;
        if (!row.Paid)
            return new Outcome(row, RowState.Open);
        if (amountText.Length == 0)
            return reference is null
                ? new Outcome(row, RowState.Open)
                : new Outcome(row, RowState.Invalid, AmountError: T["Enter the amount paid, or untick this member."]);

        if (!MoneyInput.TryParse(amountText, Currency, out var minor, out var amountError))
            return new Outcome(row, RowState.Invalid, AmountError: amountError);
        if (minor == 0)
            return new Outcome(row, RowState.Invalid, AmountError: T["Enter an amount above zero, or untick this member."]);
        if (reference is null && method != "cash")
            return new Outcome(row, RowState.Invalid, ReferenceError: method switch
            {
                "mpesa" => T["Enter the M-Pesa receipt number, like QKJ3X7Y8Z9."],
                "momo" => T["Enter the MoMo transaction id."],
                _ => T["Enter the bank transfer's reference."],
            });

        var paidOn = DateOnly.TryParseExact(row.PaidOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var kept) ? kept : meetingDate;
        var request = new RecordContributionRequest(row.MemberId, minor, Currency.Code, method, reference, paidOn, null);
        var result = MoneyResult.From(await record.HandleAsync(caller, request, Key(caller, row.MemberId, request), ct));
        if (result.Created)
        {
            var contribution = result.Read<ContributionResponse>();
            row.PaidOn = contribution.PaidOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return new Outcome(row, contribution.PostedAt < started ? RowState.Replayed : RowState.Recorded, Contribution: contribution);
        }

        string? onAmount = null, onMethod = null, onReference = null;
        if (result.Status == StatusCodes.Status400BadRequest && result.Errors.Count > 0)
        {
            foreach (var (field, messages) in result.Errors)
            {
                var message = string.Join(" ", messages);
                switch (field)
                {
                    case "reference": onReference = message; break;
                    case "method": onMethod = message; break;
                    case "paidOn": onAmount = T["The date: {0}", message]; break;
                    default: onAmount = onAmount is null ? message : onAmount + " " + message; break;
                }
            }
        }
        else if (result.Status == StatusCodes.Status409Conflict && result.Title == "Reference already recorded")
            onReference = T["This {0} reference is already recorded for a payment. Check the receipt; if the earlier entry was wrong, reverse it on the ledger first.", T[LedgerWords.Method(method)]];
        else if (result.Status == StatusCodes.Status409Conflict)
            onAmount = T["This payment is still being recorded by your previous submit. Wait a moment and press “Record payments” again."];
        else if (result.Status == StatusCodes.Status422UnprocessableEntity)
            onAmount = T["A different payment was already recorded for this member from this screen. If it was wrong, reverse it on the ledger; to record another payment, open a new meeting screen."];
        else
            onAmount = string.Join(" ", result.Messages());
        return new Outcome(row, RowState.Invalid, onAmount, onMethod, onReference);
    }

    /// Scope the signed-in user; key the screen's token and the member; the request hash covers
    /// every field, so the same row again replays and a changed row is refused, not recorded twice.
    private IdempotencyKey Key(GroupContext caller, Guid memberId, RecordContributionRequest request)
    {
        var canonical = string.Join("\n", "pages/meeting/contribution", caller.GroupId.ToString("D"), memberId.ToString("D"),
            request.Amount!.Value.ToString(CultureInfo.InvariantCulture), request.Currency, request.Method, request.Reference ?? "",
            request.PaidOn!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return new IdempotencyKey(caller.UserId, $"{BatchToken}:{memberId}", SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private PageTexts T => this.Texts();

    private async Task LoadGroupAsync(GroupContext caller, CancellationToken ct)
    {
        Group = await groups.ViewAsync(caller, ct);
        Currency = Currency.Get(Group.Currency);
    }

    private IReadOnlyList<MemberView> _everyone = [];

    /// Who pays at a meeting: active and suspended members, in the group's order.
    private async Task<IReadOnlyList<MemberView>> RosterAsync(GroupContext caller, CancellationToken ct)
    {
        _everyone = await members.ListAsync(caller, ct);
        return _everyone.Where(m => m.Status is "active" or "suspended").ToList();
    }

    private async Task BuildLinesAsync(GroupContext caller, IReadOnlyList<Outcome> rows, CancellationToken ct)
    {
        var everyone = _everyone.ToDictionary(m => m.MemberId);
        var balances = (await ledger.BalancesAsync(caller, ct)).Members.ToDictionary(m => m.MemberId, m => m.Balance);
        Lines = rows.Select((r, i) =>
        {
            var member = everyone.GetValueOrDefault(r.Input.MemberId);
            return new Row(i, r.Input.MemberId, member?.FullName ?? "A former member", member?.Status ?? "exited",
                balances.TryGetValue(r.Input.MemberId, out var b) ? b : null, r.Input, r.State, r.AmountError, r.MethodError, r.ReferenceError, r.Contribution);
        }).ToList();
        FieldOrder = [nameof(MeetingDate), .. Lines.SelectMany(l => new[] { $"Rows[{l.Index}].Amount", $"Rows[{l.Index}].Method", $"Rows[{l.Index}].Reference" })];
    }
}
