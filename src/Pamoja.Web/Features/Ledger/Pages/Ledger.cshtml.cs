using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Pamoja.Core.Groups;
using Pamoja.Core.Ledger;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Features.Groups.Pages;
using Pamoja.Web.Features.Members;
using Pamoja.Web.Features.Shared.Localization;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Ledger.Pages;

/// The group's journal for every member — the point is that anyone can check it: the chain is
/// verified on every view, the pool is shown by channel, and each entry with its lines and hash,
/// newest first. Officials who record money may reverse an entry, giving a reason.
[Authorize]
public sealed class LedgerModel(GroupQueries groups, MemberQueries members, LedgerQueries ledger, VerifyLedger verify,
    MoneyTransaction money, ReverseEntry reverse) : PageModel
{
    public const int PageSize = 25;

    /// How far past the page we look for the reversals of its entries.
    private const int ReversalLookahead = 1000;

    public GroupView Group { get; private set; } = null!;
    public GroupContext Caller { get; private set; } = null!;
    public Currency Currency { get; private set; } = null!;
    public VerifyResult Verification { get; private set; } = null!;
    public BalancesView Balances { get; private set; } = null!;
    public IReadOnlyList<JournalEntryView> Entries { get; private set; } = [];

    /// Entry id → the seq of the entry that reversed it (as far as we looked).
    public IReadOnlyDictionary<Guid, long> ReversedBy { get; private set; } = new Dictionary<Guid, long>();
    public IReadOnlyDictionary<Guid, long> SeqOf { get; private set; } = new Dictionary<Guid, long>();

    public long Head { get; private set; }
    public long? Before { get; private set; }
    public long? OlderBefore { get; private set; }
    public long? NewerBefore { get; private set; }

    /// Made once per rendering; with the entry id it is the reversal's Idempotency-Key.
    public Guid ReverseToken { get; private set; }

    /// After a failed reversal: which entry, the reason typed, and what went wrong.
    public Guid? ReverseEntryId { get; private set; }
    public string? ReverseReason { get; private set; }
    public string? ReverseError { get; private set; }

    private Dictionary<Guid, string> _names = [];

    public bool CanReverse => Caller.Can(Permission.RecordMoney);

    public async Task OnGetAsync(long? before, CancellationToken ct)
    {
        ReverseToken = Guid.NewGuid();
        await LoadAsync(before, ct);
    }

    [RequiresPermission(Permission.RecordMoney)]
    public async Task<IActionResult> OnPostReverseAsync(Guid entryId, string? reason, Guid token, long? before, CancellationToken ct)
    {
        var caller = GroupContext.From(HttpContext);
        var trimmed = reason?.Trim() ?? "";
        string? error = null;
        if (token == Guid.Empty)
            error = T["This form is out of date. Open the ledger again and reverse the entry from there."];
        else if (trimmed.Length == 0)
            error = T["Say why this entry is being reversed: everyone in the group will see it."];
        else if (trimmed.Length > ReverseEntry.MaxReason)
            error = T["Keep the reason to {0} characters.", ReverseEntry.MaxReason];

        var status = StatusCodes.Status400BadRequest;
        if (error is null)
        {
            var canonical = string.Join("\n", "pages/ledger/reverse", caller.GroupId.ToString("D"), entryId.ToString("D"), trimmed);
            var key = new IdempotencyKey(caller.UserId, $"{token}:{entryId}", SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
            var result = MoneyResult.From(await money.RunAsync(key, (c, tx) => reverse.HandleAsync(c, tx, caller, entryId, trimmed, ct), ct));
            if (result.Created)
            {
                var reversal = result.Read<ReversalResponse>();
                TempData[GroupPages.MessageKey] = T["Reversed. The correction is entry #{0}, with the reason: {1}", reversal.Seq, reversal.Reason];
                return LocalRedirect($"/groups/{caller.GroupId}/ledger#entry-{reversal.Seq}");
            }
            status = result.Status;
            error = result.Status switch
            {
                StatusCodes.Status404NotFound => T["That entry is not in this group's journal."],
                StatusCodes.Status409Conflict when result.Title == "Request in progress" =>
                    T["This reversal is still being recorded. Wait a moment and open the ledger again."],
                StatusCodes.Status422UnprocessableEntity when result.Title == "Idempotency key reused" =>
                    T["This form already reversed the entry with another reason. Open the ledger again to see it."],
                _ => string.Join(" ", result.Messages()),
            };
        }

        ReverseToken = token == Guid.Empty ? Guid.NewGuid() : token;
        ReverseEntryId = entryId;
        ReverseReason = reason;
        ReverseError = error;
        ModelState.AddModelError("", error);
        Response.StatusCode = status;
        await LoadAsync(before, ct);
        return Page();
    }

    private async Task LoadAsync(long? before, CancellationToken ct)
    {
        Caller = GroupContext.From(HttpContext);
        Group = await groups.ViewAsync(Caller, ct);
        Currency = Currency.Get(Group.Currency);
        _names = (await members.ListAsync(Caller, ct)).ToDictionary(m => m.MemberId, m => m.FullName);
        Balances = await ledger.BalancesAsync(Caller, ct);
        Verification = await verify.VerifyAsync(Caller.GroupId, ct);
        Head = Verification.Valid ? Verification.Entries : await FindHeadAsync(Verification.Entries, ct);

        // Newest first, PageSize at a time: the page holds the entries with seq < before.
        var end = before is { } b && b >= 1 && b <= Head ? b : Head + 1;
        Before = end <= Head ? end : null;
        var low = Math.Max(1, end - PageSize);
        IReadOnlyList<JournalEntryView> fetched = end <= 1 ? [] : await ledger.JournalAsync(Caller.GroupId, low - 1, (int)Math.Min(Head - low + 1, PageSize + ReversalLookahead), ct);
        Entries = fetched.Where(e => e.Seq < end).OrderByDescending(e => e.Seq).ToList();
        ReversedBy = fetched.Where(e => e.ReversesEntryId is not null).ToDictionary(e => e.ReversesEntryId!.Value, e => e.Seq);
        SeqOf = fetched.ToDictionary(e => e.Id, e => e.Seq);
        OlderBefore = low > 1 ? low : null;
        NewerBefore = end <= Head ? (end + PageSize <= Head ? end + PageSize : 0) : null; // 0: the newest page
    }

    /// The last seq, when verification stopped early (a broken chain still shows in full).
    private async Task<long> FindHeadAsync(long from, CancellationToken ct)
    {
        var after = Math.Max(0, from - 1);
        while (true)
        {
            var chunk = await ledger.JournalAsync(Caller.GroupId, after, 500, ct);
            if (chunk.Count == 0) return after;
            after = chunk[^1].Seq;
            if (chunk.Count < 500) return after;
        }
    }

    public string Name(Guid memberId) => _names.GetValueOrDefault(memberId) ?? T["A former member"];

    private PageTexts T => this.Texts();

    public string Account(string code) => LedgerWords.Account(code, Name, T);

    /// The kind in words, and the member whose account the entry touches, if any.
    public string What(JournalEntryView e)
    {
        var kind = T[LedgerWords.Kind(e.Kind)];
        var member = e.Lines.Select(l => LedgerAccount.Parse(l.Account)?.MemberId).FirstOrDefault(id => id is not null);
        return member is { } id ? $"{kind} · {Name(id)}" : kind;
    }
}
