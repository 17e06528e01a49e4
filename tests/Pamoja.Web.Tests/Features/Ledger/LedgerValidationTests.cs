using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Ledger;

/// One group with members in every status that may not have money recorded, shared by the
/// bad-input tests (each of which writes nothing, and checks that).
public sealed class LedgerValidationGroup : IAsyncLifetime
{
    public PamojaFactory App { get; private set; } = null!;
    public LedgerGroup Group { get; private set; } = null!;
    public LedgerGroup Other { get; private set; } = null!;
    public Guid Invited { get; private set; }
    public Guid Pending { get; private set; }
    public Guid Exited { get; private set; }
    public Guid Suspended { get; private set; }

    public async Task InitializeAsync()
    {
        App = await PamojaFactory.SharedAsync();
        Group = await LedgerData.GroupAsync(App);
        Other = await LedgerData.GroupAsync(App);
        Invited = await GroupData.InviteAsync(Group.Chair, Group.GroupId, TestData.Phone());
        var joiner = App.ApiClient();
        await TestData.SignedInAsync(joiner);
        Pending = await GroupData.RequestToJoinAsync(joiner, (await GroupData.GetAsync(Group.Chair, Group.GroupId)).GetProperty("inviteCode").GetString()!);
        Exited = (await GroupData.AddActiveAsync(App, Group.Chair, Group.GroupId)).MemberId;
        Assert.Equal(HttpStatusCode.NoContent, (await GroupData.StatusAsync(Group.Chair, Group.GroupId, Exited, "remove")).StatusCode);
        Suspended = (await GroupData.AddActiveAsync(App, Group.Chair, Group.GroupId)).MemberId;
        Assert.Equal(HttpStatusCode.NoContent, (await GroupData.StatusAsync(Group.Chair, Group.GroupId, Suspended, "suspend", new { reason = "arrears" })).StatusCode);
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

/// Bad input (issue 4): negative or zero amounts, wrong types, the wrong currency, unknown or
/// other groups' members, oversized text, dates in the future, unknown methods, malformed JSON
/// → a clear 4xx problem, never a 500, and nothing written. Roles: only the chair and the
/// treasurer move money; everyone in the group may read.
public sealed class LedgerValidationTests(LedgerValidationGroup fixture) : IClassFixture<LedgerValidationGroup>
{
    private LedgerGroup G => fixture.Group;

    private JsonObject Base() => GroupData.Json(new { memberId = G.ChairMemberId, amount = 150_000, method = "cash" });

    private static string Future() => LedgerData.Date(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2));

    public static TheoryData<string, string?, string> BadContributions() => new()
    {
        { "amount", "-1", "amount" },
        { "amount", "0", "amount" },
        { "amount", "1000000000001", "amount" },
        { "amount", "9223372036854775807", "amount" },
        { "amount", "9223372036854775808", "amount" },
        { "amount", "-9223372036854775808", "amount" },
        { "amount", "\"150000\"", "amount" },
        { "amount", "1500.5", "amount" },
        { "amount", "1.5e5", "amount" },
        { "amount", "true", "amount" },
        { "amount", "null", "amount" },
        { "amount", null, "amount" },
        { "currency", "\"KES\"", "currency" },
        { "currency", "\"zar\"", "currency" },
        { "currency", "\"\"", "currency" },
        { "memberId", "\"UNKNOWN\"", "memberId" },
        { "memberId", "\"OTHER_GROUP\"", "memberId" },
        { "memberId", "\"INVITED\"", "memberId" },
        { "memberId", "\"PENDING\"", "memberId" },
        { "memberId", "\"EXITED\"", "memberId" },
        { "memberId", "\"not-a-guid\"", "memberId" },
        { "memberId", "123", "memberId" },
        { "memberId", null, "memberId" },
        { "method", "\"card\"", "method" },
        { "method", "\"CASH\"", "method" },
        { "method", "\"\"", "method" },
        { "method", "\" cash\"", "method" },
        { "method", "\"1\"", "method" },
        { "method", "0", "method" },
        { "method", null, "method" },
        { "reference", "\"" + new string('R', 65) + "\"", "reference" },
        { "memo", "\"" + new string('m', 501) + "\"", "memo" },
        { "memo", "\"nul\\u0000byte\"", "memo" },
        { "paidOn", "\"FUTURE\"", "paidOn" },
        { "paidOn", "\"2025-13-01\"", "paidOn" },
        { "paidOn", "\"yesterday\"", "paidOn" },
        { "paidOn", "\"1999-12-31\"", "paidOn" },
        { "paidOn", "20250101", "paidOn" },
    };

    [Theory]
    [MemberData(nameof(BadContributions))]
    public async Task A_bad_contribution_is_a_400_naming_the_field_and_writes_nothing(string field, string? value, string errorField)
    {
        var raw = value?.Replace("UNKNOWN", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("OTHER_GROUP", fixture.Other.ChairMemberId.ToString(), StringComparison.Ordinal)
            .Replace("INVITED", fixture.Invited.ToString(), StringComparison.Ordinal)
            .Replace("PENDING", fixture.Pending.ToString(), StringComparison.Ordinal)
            .Replace("EXITED", fixture.Exited.ToString(), StringComparison.Ordinal)
            .Replace("FUTURE", Future(), StringComparison.Ordinal);
        var before = await G.WrittenAsync();
        var response = await G.Chair.PostJsonAsync(G.Path("contributions"), Base().With(field, raw));
        var problem = await G.ProblemAsync(response, HttpStatusCode.BadRequest, $"{field}={value}");
        Assert.True(problem.GetProperty("errors").TryGetProperty(errorField, out _), $"{field}={value}: {problem}");
        Assert.Equal(before, await G.WrittenAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{\"memberId\":")]
    [InlineData("{\"amount\": 150000,}")]
    public async Task A_malformed_body_is_a_400_problem_and_writes_nothing(string raw)
    {
        var before = await G.WrittenAsync();
        foreach (var path in new[] { "contributions", "fees", "fines", "opening-balances", $"journal/{Guid.NewGuid()}/reverse" })
        {
            var response = await G.Chair.PostAsync(G.Path(path), new StringContent(raw, Encoding.UTF8, "application/json"));
            await G.ProblemAsync(response, HttpStatusCode.BadRequest, $"{path}: {raw}");
        }
        Assert.Equal(before, await G.WrittenAsync());
    }

    [Fact]
    public async Task A_suspended_member_may_still_have_a_contribution_recorded()
    {
        // Suspension stops a member's rights, not the group's record of money they hand over.
        var g = await LedgerData.GroupAsync(fixture.App);
        var (member, _, _) = await GroupData.AddActiveAsync(fixture.App, g.Chair, g.GroupId);
        Assert.Equal(HttpStatusCode.NoContent, (await GroupData.StatusAsync(g.Chair, g.GroupId, member, "suspend", new { reason = "arrears" })).StatusCode);
        await g.ContributedEntryAsync(member, 1_000);
        Assert.Equal(1, await g.AssertInvariantsAsync());
    }

    [Fact]
    public async Task Reversal_refusals_write_nothing()
    {
        var g = await LedgerData.GroupAsync(fixture.App);
        var entry = await g.ContributedEntryAsync(g.ChairMemberId, 5_000);
        var otherEntry = await fixture.Other.ContributedEntryAsync(fixture.Other.ChairMemberId, 5_000);
        var reversal = (await g.CreatedAsync(await g.ReverseAsync(entry, "typo"))).GetProperty("id").GetGuid();
        var before = await g.WrittenAsync();

        await g.ProblemAsync(await g.ReverseAsync(Guid.NewGuid()), HttpStatusCode.NotFound, "unknown entry");
        await g.ProblemAsync(await g.ReverseAsync(otherEntry), HttpStatusCode.NotFound, "another group's entry");
        await g.ProblemAsync(await g.ReverseAsync(reversal), HttpStatusCode.UnprocessableEntity, "a reversal");
        await g.ProblemAsync(await g.ReverseAsync(entry), HttpStatusCode.Conflict, "reversed twice");
        foreach (var reason in new[] { "", "   ", new string('r', 501), "tab\tin it" })
            await g.ProblemAsync(await g.ReverseAsync(entry, reason), HttpStatusCode.BadRequest, $"reason '{reason}'");
        await g.ProblemAsync(await g.Chair.PostAsync(g.Path($"journal/{entry}/reverse"), new { }), HttpStatusCode.BadRequest, "no reason");
        Assert.Equal(HttpStatusCode.NotFound, (await g.Chair.PostAsync(g.Path("journal/not-a-guid/reverse"), new { reason = "x" })).StatusCode);

        Assert.Equal(before, await g.WrittenAsync());
        Assert.Equal(1, await fixture.Other.EntriesAsync());
        await g.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Opening_balances_only_as_the_first_entry_and_only_when_valid()
    {
        var g = await LedgerData.GroupAsync(fixture.App);
        var m = g.ChairMemberId;
        object Opening(object? pools = null, object? members = null, string? asOf = "2025-01-31") =>
            new { asOf, pools = pools ?? new { cash = 10_000, bank = 5_000, mobile = 0 }, members = members ?? new[] { new { memberId = m, contributed = 12_000, owed = 500 } } };

        foreach (var (what, body) in new (string, object)[]
                 {
                     ("no asOf", Opening(asOf: null)),
                     ("future asOf", Opening(asOf: Future())),
                     ("negative pool", Opening(pools: new { cash = -1, bank = 0, mobile = 0 })),
                     ("huge pool", Opening(pools: new { cash = 1_000_000_000_001, bank = 0, mobile = 0 })),
                     ("negative contributed", Opening(members: new[] { new { memberId = m, contributed = -1, owed = 0 } })),
                     ("negative owed", Opening(members: new[] { new { memberId = m, contributed = 0, owed = -1 } })),
                     ("duplicate member", Opening(members: new[] { new { memberId = m, contributed = 1, owed = 0 }, new { memberId = m, contributed = 2, owed = 0 } })),
                     ("unknown member", Opening(members: new[] { new { memberId = Guid.NewGuid(), contributed = 1, owed = 0 } })),
                     ("other group's member", Opening(members: new[] { new { memberId = fixture.Other.ChairMemberId, contributed = 1, owed = 0 } })),
                     ("nothing to open", Opening(pools: new { cash = 0, bank = 0, mobile = 0 }, members: Array.Empty<object>())),
                 })
            await g.ProblemAsync(await g.Chair.PostAsync(g.Path("opening-balances"), body), HttpStatusCode.BadRequest, what);
        Assert.Equal(0, await g.EntriesAsync());

        var opened = await g.CreatedAsync(await g.Chair.PostAsync(g.Path("opening-balances"), Opening()));
        Assert.Equal(15_000, opened.GetProperty("pool").GetInt64());
        Assert.Equal(3_500, opened.GetProperty("groupFunds").GetInt64());
        var balances = await g.BalancesAsync();
        Assert.Equal(15_000, balances.GetProperty("pool").GetInt64());
        var me = balances.GetProperty("members").EnumerateArray().Single(x => x.GetProperty("memberId").GetGuid() == m);
        Assert.Equal(12_000, me.GetProperty("contributed").GetInt64());
        Assert.Equal(500, me.GetProperty("owed").GetInt64());
        Assert.Equal("2025-01-31", (await g.GetJsonAsync("journal"))[0].GetProperty("effectiveOn").GetString());

        var before = await g.WrittenAsync();
        await g.ProblemAsync(await g.Chair.PostAsync(g.Path("opening-balances"), Opening()), HttpStatusCode.Conflict, "second opening");
        await g.ContributedEntryAsync(m, 100);
        await g.ProblemAsync(await g.Chair.PostAsync(g.Path("opening-balances"), Opening()), HttpStatusCode.Conflict, "opening after entries");
        Assert.Equal(before.Entries + 1, await g.EntriesAsync());
        await g.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Opening_balances_after_a_contribution_are_409()
    {
        var g = await LedgerData.GroupAsync(fixture.App);
        await g.ContributedEntryAsync(g.ChairMemberId, 100);
        var before = await g.WrittenAsync();
        await g.ProblemAsync(await g.Chair.PostAsync(g.Path("opening-balances"),
            new { asOf = "2025-01-31", pools = new { cash = 100, bank = 0, mobile = 0 }, members = Array.Empty<object>() }), HttpStatusCode.Conflict, "opening after entries");
        Assert.Equal(before, await g.WrittenAsync());
    }

    [Fact]
    public async Task Bad_fees_and_fines_are_400_and_write_nothing()
    {
        var before = await G.WrittenAsync();
        var m = G.ChairMemberId;
        foreach (var (what, body) in new (string, object)[]
                 {
                     ("fee without member", new { amount = 100, method = "cash" }),
                     ("fee of zero", new { memberId = m, amount = 0, method = "cash" }),
                     ("negative fee", new { memberId = m, amount = -5, method = "cash" }),
                     ("huge fee", new { memberId = m, amount = 1_000_000_000_001, method = "cash" }),
                     ("fee without method", new { memberId = m, amount = 100 }),
                     ("fee by card", new { memberId = m, amount = 100, method = "card" }),
                     ("fee with no amount and no registration fee", new { memberId = m, method = "cash" }),
                     ("fee with an oversized reference", new { memberId = m, amount = 100, method = "bank", reference = new string('r', 65) }),
                     ("fee for an unknown member", new { memberId = Guid.NewGuid(), amount = 100, method = "cash" }),
                     ("fee for an invited member", new { memberId = fixture.Invited, amount = 100, method = "cash" }),
                     ("fee for an exited member", new { memberId = fixture.Exited, amount = 100, method = "cash" }),
                     ("fee for another group's member", new { memberId = fixture.Other.ChairMemberId, amount = 100, method = "cash" }),
                 })
            await G.ProblemAsync(await G.Chair.PostAsync(G.Path("fees"), body), HttpStatusCode.BadRequest, what);
        foreach (var (what, body) in new (string, object)[]
                 {
                     ("fine without member", new { amount = 100, reason = "late" }),
                     ("fine without amount", new { memberId = m, reason = "late" }),
                     ("fine of zero", new { memberId = m, amount = 0, reason = "late" }),
                     ("negative fine", new { memberId = m, amount = -100, reason = "late" }),
                     ("huge fine", new { memberId = m, amount = 1_000_000_000_001, reason = "late" }),
                     ("fine without reason", new { memberId = m, amount = 100 }),
                     ("fine with a blank reason", new { memberId = m, amount = 100, reason = "  " }),
                     ("fine with an oversized reason", new { memberId = m, amount = 100, reason = new string('r', 201) }),
                     ("fine paid now without method", new { memberId = m, amount = 100, reason = "late", paidNow = true }),
                     ("fine paid now by card", new { memberId = m, amount = 100, reason = "late", paidNow = true, method = "card" }),
                     ("fine for an unknown member", new { memberId = Guid.NewGuid(), amount = 100, reason = "late" }),
                     ("fine for a pending member", new { memberId = fixture.Pending, amount = 100, reason = "late" }),
                     ("fine for another group's member", new { memberId = fixture.Other.ChairMemberId, amount = 100, reason = "late" }),
                 })
            await G.ProblemAsync(await G.Chair.PostAsync(G.Path("fines"), body), HttpStatusCode.BadRequest, what);
        Assert.Equal(before, await G.WrittenAsync());
    }

    [Theory]
    [InlineData(-400)]
    [InlineData(60)]
    public async Task A_fee_without_an_amount_is_the_groups_registration_fee(int startsInDays)
    {
        // Registration fees are mostly paid before a group's first period: the fee in the rules
        // applies then too (as GET group shows it), not only once the group has started.
        var startsOn = LedgerData.Date(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(startsInDays));
        var g = await LedgerData.GroupAsync(fixture.App, body: GroupData.Json(GroupData.Stokvel("Fee Stokvel"))
            .With("registrationFee", "2500").With("startsOn", $"\"{startsOn}\""));
        Assert.Equal(2_500, (await GroupData.GetAsync(g.Chair, g.GroupId)).GetProperty("registrationFee").GetInt64());
        var created = await g.CreatedAsync(await g.FeeAsync(g.ChairMemberId, null, "momo"));
        Assert.Equal(2_500, created.GetProperty("amount").GetInt64());
        Assert.Equal("registration_fee", created.GetProperty("kind").GetString());
        Assert.Equal(2_500, (await g.BalancesAsync()).GetProperty("pools").GetProperty("mobile").GetInt64());
        Assert.Equal(-2_500, (await g.CachedBalancesAsync())["income:fees"]);
        await g.AssertInvariantsAsync();
    }

    [Theory]
    [InlineData("member")]
    [InlineData("secretary")]
    public async Task Only_the_chair_and_the_treasurer_move_money_everyone_in_the_group_reads(string role)
    {
        var g = await LedgerData.GroupAsync(fixture.App);
        var (memberId, client, _) = await GroupData.AddActiveAsync(fixture.App, g.Chair, g.GroupId, role);
        var (_, treasurer, _) = await GroupData.AddActiveAsync(fixture.App, g.Chair, g.GroupId, "treasurer");
        var outsider = fixture.App.ApiClient();
        await TestData.SignedInAsync(outsider);
        var entry = await g.ContributedEntryAsync(memberId, 1_000);
        var before = await g.WrittenAsync();

        var posts = new (string Path, object Body)[]
        {
            ("contributions", LedgerData.Contribution(memberId, 1_000)),
            ($"journal/{entry}/reverse", new { reason = "mine now" }),
            ("fees", new { memberId, amount = 100, method = "cash" }),
            ("fines", new { memberId, amount = 100, reason = "x", paidNow = true, method = "cash" }),
            ("opening-balances", new { asOf = "2025-01-01", pools = new { cash = 1 }, members = Array.Empty<object>() }),
        };
        foreach (var (path, body) in posts)
        {
            await g.ProblemAsync(await client.PostAsync(g.Path(path), body, key: Guid.NewGuid().ToString()), HttpStatusCode.Forbidden, $"{role} POST {path}");
            await g.ProblemAsync(await outsider.PostAsync(g.Path(path), body), HttpStatusCode.NotFound, $"outsider POST {path}");
        }
        Assert.Equal(before, await g.WrittenAsync());

        foreach (var path in new[] { "balances", $"statement?memberId={memberId}", "journal", "journal/verify" })
        {
            var response = await client.GetAsync(g.Path(path));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{role} GET {path}: {response.StatusCode}");
            Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(g.Path(path))).StatusCode);
        }

        // The treasurer may.
        await g.CreatedAsync(await treasurer.PostAsync(g.Path("contributions"), LedgerData.Contribution(memberId, 1_000)));
    }

    [Fact]
    public async Task A_member_reads_their_own_statement_and_balance_but_not_anothers()
    {
        var g = await LedgerData.GroupAsync(fixture.App);
        var (me, client, _) = await GroupData.AddActiveAsync(fixture.App, g.Chair, g.GroupId);
        var (other, _, _) = await GroupData.AddActiveAsync(fixture.App, g.Chair, g.GroupId);
        await g.ContributedEntryAsync(me, 1_000);
        await g.ContributedEntryAsync(other, 7_000);

        var mine = await client.GetFromJsonAsync<JsonElement>(g.Path($"statement?memberId={me}"));
        Assert.Equal(1_000, mine.GetProperty("closingBalance").GetInt64());
        await g.ProblemAsync(await client.GetAsync(g.Path($"statement?memberId={other}")), HttpStatusCode.Forbidden, "another member's statement");
        var csv = new HttpRequestMessage(HttpMethod.Get, g.Path($"statement?memberId={other}")) { Headers = { { "Accept", "text/csv" } } };
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(csv)).StatusCode);

        // The group's totals, and of the members only their own line.
        var balances = await client.GetFromJsonAsync<JsonElement>(g.Path("balances"));
        Assert.Equal(8_000, balances.GetProperty("pool").GetInt64());
        Assert.Equal([me], balances.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("memberId").GetGuid()));
        // Officials see everyone's.
        var all = await g.BalancesAsync();
        Assert.Equal(3, all.GetProperty("members").GetArrayLength());
    }
}
