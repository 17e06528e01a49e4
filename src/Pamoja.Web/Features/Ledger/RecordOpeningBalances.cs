using Npgsql;
using Pamoja.Core.Groups;
using Pamoja.Core.Ledger;
using Pamoja.Core.Money;
using Pamoja.Web.Features.Groups;
using Pamoja.Web.Http;

namespace Pamoja.Web.Features.Ledger;

public sealed record OpeningPools(long? Cash, long? Bank, long? Mobile);
public sealed record OpeningMember(Guid? MemberId, long? Contributed, long? Owed);
public sealed record OpeningBalancesRequest(DateOnly? AsOf, OpeningPools? Pools, IReadOnlyList<OpeningMember>? Members);
public sealed record OpeningResponse(Guid EntryId, long Seq, long Pool, long Contributed, long Owed, long GroupFunds, string Currency, string Hash);

/// A group moving from paper brings its books: how much is in each pool, what each member has
/// paid in and still owes. One 'opening' entry, only as the group's very first; whatever the
/// pools hold beyond the members' savings is the group's own (fines and interest of the past),
/// and goes to equity:opening.
public sealed class RecordOpeningBalances(TimeProvider clock)
{
    public const int MaxMembers = GroupSettingsRules.MaxMembers;

    public async Task<MoneyOutcome> HandleAsync(NpgsqlConnection connection, NpgsqlTransaction tx, GroupContext caller, OpeningBalancesRequest request, CancellationToken ct)
    {
        var facts = await GroupFacts.LoadAsync(connection, tx, caller.GroupId, ct);
        var errors = new FieldErrors();
        var today = clock.Today(facts.TimeZone);
        if (request.AsOf is null) errors.Add("asOf", "asOf (the date of the paper books) is required.");
        else if (request.AsOf > today) errors.Add("asOf", "asOf cannot be in the future.");
        var pools = request.Pools ?? new OpeningPools(null, null, null);
        foreach (var (name, value) in new[] { ("pools.cash", pools.Cash), ("pools.bank", pools.Bank), ("pools.mobile", pools.Mobile) })
            if (value is < 0 or > GroupSettingsRules.MaxAmount) errors.Add(name, "Pool balances are zero or positive amounts in minor units.");
        var members = request.Members ?? [];
        if (members.Count > MaxMembers) errors.Add("members", $"At most {MaxMembers} members.");
        for (var i = 0; i < members.Count && i < MaxMembers; i++)
        {
            if (members[i].MemberId is null) errors.Add($"members[{i}].memberId", "memberId is required.");
            if (members[i].Contributed is < 0 or > GroupSettingsRules.MaxAmount) errors.Add($"members[{i}].contributed", "contributed is zero or positive.");
            if (members[i].Owed is < 0 or > GroupSettingsRules.MaxAmount) errors.Add($"members[{i}].owed", "owed is zero or positive.");
        }
        if (members.Select(m => m.MemberId).Distinct().Count() != members.Count) errors.Add("members", "Each member appears once.");
        if (errors.Any) return new MoneyOutcome.Refused(errors.ToProblem());
        foreach (var m in members)
            if (await MemberCheck.RefuseUnlessMemberAsync(connection, tx, caller.GroupId, m.MemberId!.Value, ct) is { } refused)
                return new MoneyOutcome.Refused(refused);

        var c = facts.Currency;
        var lines = new List<JournalLine>();
        void Add(LedgerAccount account, long amount) { if (amount != 0) lines.Add(new JournalLine(account, new Money(amount, c))); }
        Add(LedgerAccount.PoolCash, pools.Cash ?? 0);
        Add(LedgerAccount.PoolBank, pools.Bank ?? 0);
        Add(LedgerAccount.PoolMobile, pools.Mobile ?? 0);
        foreach (var m in members)
        {
            Add(LedgerAccount.MemberContributions(m.MemberId!.Value), -(m.Contributed ?? 0));
            Add(LedgerAccount.MemberReceivable(m.MemberId!.Value), m.Owed ?? 0);
        }
        long pool = (pools.Cash ?? 0) + (pools.Bank ?? 0) + (pools.Mobile ?? 0);
        long contributed = members.Sum(m => m.Contributed ?? 0), owed = members.Sum(m => m.Owed ?? 0);
        var groupFunds = checked(pool + owed - contributed);
        Add(LedgerAccount.EquityOpening, -groupFunds);
        if (lines.Count < 2)
            return new MoneyOutcome.Refused(new FieldErrors().Add("pools", "There is nothing to open: give the pools' balances and the members' savings.").ToProblem());

        // Checked on the locked head, so a contribution racing us cannot slip in first.
        var posted = await MoneyTransaction.PostIfAsync(connection, tx, head => head.Seq == 0, new JournalEntry(EntryKinds.Opening, lines),
            new PostingMeta(caller.GroupId, c.Code, request.AsOf!.Value, "Opening balances from the paper books", caller.UserId), clock.GetUtcNow(), ct);
        if (posted is null)
            return new MoneyOutcome.Refused(ApiProblems.Status(StatusCodes.Status409Conflict, "Books already open",
                "Opening balances can only be the group's first entry; this group already has entries."));
        return new MoneyOutcome.Created(new OpeningResponse(posted.Id, posted.Seq, pool, contributed, owed, groupFunds, c.Code, posted.Hash));
    }
}
