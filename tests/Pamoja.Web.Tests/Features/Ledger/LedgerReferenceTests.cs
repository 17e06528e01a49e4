using System.Net;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Ledger;

/// External references (domain.md § Money): every M-Pesa receipt or MoMo reference maps to
/// exactly one live journal entry, worldwide; a bank reference to one per group. Reversing the
/// entry releases it. A receipt recorded twice is a 409 naming the entry that holds it.
public sealed class LedgerReferenceTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    private static void NamesEntry(System.Text.Json.JsonElement problem, Guid entryId)
    {
        Assert.Equal(entryId, problem.GetProperty("entryId").GetGuid());
        Assert.Contains(entryId.ToString(), problem.GetProperty("detail").GetString()!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mpesa")]
    [InlineData("momo")]
    public async Task A_mobile_money_receipt_is_recorded_once_worldwide_until_its_entry_is_reversed(string method)
    {
        var g = await LedgerData.GroupAsync(_app);
        var other = await LedgerData.GroupAsync(_app);
        var receipt = method == "mpesa" ? LedgerData.MpesaReceipt() : Guid.NewGuid().ToString();

        var first = await g.ContributedEntryAsync(g.ChairMemberId, 150_000, method, receipt);
        // Again in the same group (another key, another amount) and in another group: 409, nothing written.
        var written = await g.WrittenAsync();
        NamesEntry(await g.ProblemAsync(await g.ContributeAsync(g.ChairMemberId, 100, method, receipt, key: Guid.NewGuid().ToString()),
            HttpStatusCode.Conflict, "same group"), first);
        NamesEntry(await other.ProblemAsync(await other.ContributeAsync(other.ChairMemberId, 150_000, method, receipt),
            HttpStatusCode.Conflict, "other group"), first);
        Assert.Equal(written, await g.WrittenAsync());
        Assert.Equal(0, await other.EntriesAsync());

        // Reversed, the receipt is free again, once.
        await g.CreatedAsync(await g.ReverseAsync(first, "wrong member"));
        var second = await other.ContributedEntryAsync(other.ChairMemberId, 150_000, method, receipt);
        NamesEntry(await g.ProblemAsync(await g.ContributeAsync(g.ChairMemberId, 150_000, method, receipt), HttpStatusCode.Conflict, "after re-recording"), second);
        Assert.Equal(1, await LedgerData.CountAsync(g.ConnectionString,
            "SELECT count(*) FROM external_references WHERE provider = $1 AND reference = $2 AND released_by_entry IS NULL", method, receipt));
        await g.AssertInvariantsAsync();
        await other.AssertInvariantsAsync();
    }

    [Fact]
    public async Task The_same_receipt_sent_to_several_groups_at_once_is_recorded_once()
    {
        var chair = _app.ApiClient();
        await TestData.SignedInAsync(chair);
        var groups = new List<LedgerGroup>();
        for (var i = 0; i < 6; i++) groups.Add(await LedgerData.GroupAsync(_app, chair));
        var receipt = LedgerData.MpesaReceipt();
        using var start = new SemaphoreSlim(0);
        var tasks = groups.Select(async g =>
        {
            await start.WaitAsync();
            var response = await g.ContributeAsync(g.ChairMemberId, 500, "mpesa", receipt);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }).ToList();
        start.Release(groups.Count);
        var results = await Task.WhenAll(tasks);
        Assert.True(results.Count(r => r.StatusCode == HttpStatusCode.Created) == 1 && results.Count(r => r.StatusCode == HttpStatusCode.Conflict) == groups.Count - 1,
            string.Join("\n", results.Select(r => $"{r.StatusCode} {r.Body}")) + _app.Logs.Errors());
        var entries = 0L;
        foreach (var g in groups) entries += await g.AssertInvariantsAsync();
        Assert.Equal(1, entries);
    }

    [Fact]
    public async Task A_bank_reference_is_unique_within_a_group_only()
    {
        var g = await LedgerData.GroupAsync(_app);
        var other = await LedgerData.GroupAsync(_app);
        var reference = "FT" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
        var first = await g.ContributedEntryAsync(g.ChairMemberId, 10_000, "bank", reference);
        NamesEntry(await g.ProblemAsync(await g.ContributeAsync(g.ChairMemberId, 10_000, "bank", reference), HttpStatusCode.Conflict, "same group"), first);
        // Another group's bank may well use the same numbering.
        await other.ContributedEntryAsync(other.ChairMemberId, 10_000, "bank", reference);
        Assert.Equal(1, await g.EntriesAsync());
        // A cash receipt-book number is a note, not a provider reference: it may repeat.
        await g.ContributedEntryAsync(g.ChairMemberId, 100, "cash", "Book 3 p.12");
        await g.ContributedEntryAsync(g.ChairMemberId, 100, "cash", "Book 3 p.12");
        Assert.Equal(3, await g.EntriesAsync());
    }

    [Theory]
    [InlineData("qkj3x7y8z9")]
    [InlineData("QKJ3X7Y8Z")]
    [InlineData("QKJ3X7Y8Z90")]
    [InlineData("QKJ3X-Y8Z9")]
    [InlineData("QKJ3X 7Y8Z9")]
    [InlineData("ÄKJ3X7Y8Z9")]
    public async Task A_malformed_mpesa_receipt_is_400_and_writes_nothing(string receipt)
    {
        var g = await LedgerData.GroupAsync(_app);
        var problem = await g.ProblemAsync(await g.ContributeAsync(g.ChairMemberId, 100, "mpesa", receipt), HttpStatusCode.BadRequest, receipt);
        Assert.True(problem.GetProperty("errors").TryGetProperty("reference", out _), problem.ToString());
        Assert.Equal(0, await g.EntriesAsync());
    }

    [Theory]
    [InlineData("mpesa", null)]
    [InlineData("momo", null)]
    [InlineData("bank", null)]
    [InlineData("mpesa", "")]
    [InlineData("bank", "   ")]
    public async Task A_provider_payment_without_its_reference_is_400_and_writes_nothing(string method, string? reference)
    {
        var g = await LedgerData.GroupAsync(_app);
        var problem = await g.ProblemAsync(await g.ContributeAsync(g.ChairMemberId, 100, method, reference), HttpStatusCode.BadRequest, method);
        Assert.True(problem.GetProperty("errors").TryGetProperty("reference", out _), problem.ToString());
        Assert.Equal(0, await g.EntriesAsync());
    }

    [Fact]
    public async Task A_fee_paid_with_a_receipt_already_recorded_is_409_not_a_500()
    {
        var g = await LedgerData.GroupAsync(_app);
        var receipt = LedgerData.MpesaReceipt();
        await g.ContributedEntryAsync(g.ChairMemberId, 150_000, "mpesa", receipt);
        var written = await g.WrittenAsync();
        await g.ProblemAsync(await g.FeeAsync(g.ChairMemberId, 2_000, "mpesa", receipt), HttpStatusCode.Conflict, "fee with a used receipt");
        Assert.Equal(written, await g.WrittenAsync());
    }

    [Fact]
    public async Task A_fee_paid_by_mpesa_needs_a_well_formed_receipt()
    {
        // The same rule as for contributions: a receipt is what makes a mobile payment traceable.
        var g = await LedgerData.GroupAsync(_app);
        await g.ProblemAsync(await g.FeeAsync(g.ChairMemberId, 2_000, "mpesa", "not a receipt"), HttpStatusCode.BadRequest, "malformed receipt");
        Assert.Equal(0, await g.EntriesAsync());
    }
}
