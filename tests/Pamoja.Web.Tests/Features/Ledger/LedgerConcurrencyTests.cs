using System.Net;
using System.Text.Json;
using Pamoja.Web.Tests.Infrastructure;

namespace Pamoja.Web.Tests.Features.Ledger;

/// Concurrent writers (issue 4): one key sent 50 times at once is one entry; 50 different
/// contributions to one group are 50 entries with a gap-free sequence and a valid chain; many
/// groups at once each keep their own chain; two officials reversing one entry make one reversal.
public sealed class LedgerConcurrencyTests : IAsyncLifetime
{
    private PamojaFactory _app = null!;
    public async Task InitializeAsync() => _app = await PamojaFactory.SharedAsync();
    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Fifty_concurrent_requests_with_one_key_make_one_entry()
    {
        var g = await LedgerData.GroupAsync(_app);
        var key = "burst-" + Guid.NewGuid();
        var json = JsonSerializer.Serialize(LedgerData.Contribution(g.ChairMemberId, 150_000, "mpesa", LedgerData.MpesaReceipt()));
        using var start = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, 50).Select(async _ =>
        {
            await start.WaitAsync();
            var response = await g.Chair.PostRawAsync(g.Path("contributions"), json, key);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }).ToList();
        start.Release(50);
        var results = await Task.WhenAll(tasks);

        var created = results.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        var others = results.Where(r => r.StatusCode != HttpStatusCode.Created).ToList();
        Assert.True(created.Count >= 1, string.Join("\n", results.Select(r => $"{r.StatusCode} {r.Body}")) + _app.Logs.Errors());
        Assert.Single(created.Select(r => r.Body).Distinct());
        Assert.True(others.All(r => r.StatusCode == HttpStatusCode.Conflict),
            string.Join("\n", others.Select(r => $"{r.StatusCode} {r.Body}")) + _app.Logs.Errors());
        Assert.Equal(1, await g.EntriesAsync());
        Assert.Equal(1, await LedgerData.CountAsync(g.ConnectionString, "SELECT count(*) FROM contributions WHERE group_id = $1", g.GroupId));

        // Once the burst is over the key replays the one response.
        var after = await g.Chair.PostRawAsync(g.Path("contributions"), json, key);
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        Assert.Equal(created[0].Body, await after.Content.ReadAsStringAsync());
        await g.AssertInvariantsAsync();
    }

    [Fact]
    public async Task Twenty_concurrent_fines_with_one_key_make_one_fine()
    {
        // The same guarantee on the generic money path (MoneyTransaction): a fine paid at once is
        // two entries, posted once.
        var g = await LedgerData.GroupAsync(_app);
        var key = "fine-burst-" + Guid.NewGuid();
        var json = JsonSerializer.Serialize(new { memberId = g.ChairMemberId, amount = 5_000, reason = "late", paidNow = true, method = "cash" });
        using var start = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, 20).Select(async _ =>
        {
            await start.WaitAsync();
            var response = await g.Chair.PostRawAsync(g.Path("fines"), json, key);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }).ToList();
        start.Release(20);
        var results = await Task.WhenAll(tasks);
        var created = results.Where(r => r.StatusCode == HttpStatusCode.Created).Select(r => r.Body).Distinct().ToList();
        Assert.True(created.Count == 1 && results.All(r => r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict),
            string.Join("\n", results.Select(r => $"{r.StatusCode} {r.Body}")) + _app.Logs.Errors());
        Assert.Equal(2, await g.AssertInvariantsAsync());
        Assert.Equal(5_000, (await g.BalancesAsync()).GetProperty("pool").GetInt64());
    }

    [Fact]
    public async Task Opening_balances_racing_contributions_are_first_or_refused()
    {
        for (var round = 0; round < 3; round++)
        {
            var g = await LedgerData.GroupAsync(_app);
            using var start = new SemaphoreSlim(0);
            var opening = Task.Run(async () =>
            {
                await start.WaitAsync();
                var response = await g.Chair.PostAsync(g.Path("opening-balances"), new { asOf = "2025-01-31", pools = new { cash = 10_000 }, members = Array.Empty<object>() });
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
            });
            var contributions = Enumerable.Range(1, 6).Select(async i =>
            {
                await start.WaitAsync();
                return (await g.ContributeAsync(g.ChairMemberId, i)).StatusCode;
            }).ToList();
            start.Release(7);
            var opened = await opening;
            Assert.All(await Task.WhenAll(contributions), status => Assert.Equal(HttpStatusCode.Created, status));
            if (opened.StatusCode == HttpStatusCode.Created)
                Assert.Equal(1, JsonDocument.Parse(opened.Body).RootElement.GetProperty("seq").GetInt64());
            else
                Assert.True(opened.StatusCode == HttpStatusCode.Conflict, $"{opened.StatusCode} {opened.Body} {_app.Logs.Errors()}");
            await g.AssertInvariantsAsync($"round {round}:");
        }
    }

    [Fact]
    public async Task Fifty_concurrent_different_contributions_to_one_group_are_all_recorded_gap_free()
    {
        var g = await LedgerData.GroupAsync(_app);
        var methods = new[] { "cash", "bank", "mpesa", "momo" };
        using var start = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(1, 50).Select(async i =>
        {
            await start.WaitAsync();
            var method = methods[i % 4];
            var reference = method switch { "mpesa" => LedgerData.MpesaReceipt(), "cash" => null, _ => $"REF-{Guid.NewGuid():N}" };
            var response = await g.ContributeAsync(g.ChairMemberId, i * 100, method, reference);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }).ToList();
        start.Release(50);
        var results = await Task.WhenAll(tasks);

        Assert.True(results.All(r => r.StatusCode == HttpStatusCode.Created),
            string.Join("\n", results.Where(r => r.StatusCode != HttpStatusCode.Created).Select(r => $"{r.StatusCode} {r.Body}")) + _app.Logs.Errors());
        var seqs = results.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("seq").GetInt64()).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), seqs);
        Assert.Equal(50, await g.AssertInvariantsAsync());
        Assert.Equal(Enumerable.Range(1, 50).Sum(i => i * 100L), (await g.BalancesAsync()).GetProperty("pool").GetInt64());
    }

    [Fact]
    public async Task Concurrent_contributions_to_ten_groups_keep_every_chain_valid()
    {
        var chair = _app.ApiClient();
        await TestData.SignedInAsync(chair);
        var groups = new List<LedgerGroup>();
        for (var i = 0; i < 10; i++) groups.Add(await LedgerData.GroupAsync(_app, chair));

        using var start = new SemaphoreSlim(0);
        var tasks = groups.SelectMany(g => Enumerable.Range(1, 3).Select(async i =>
        {
            await start.WaitAsync();
            var response = await g.ContributeAsync(g.ChairMemberId, i, i % 2 == 0 ? "cash" : "mpesa", i % 2 == 0 ? null : LedgerData.MpesaReceipt());
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        })).ToList();
        start.Release(tasks.Count);
        var results = await Task.WhenAll(tasks);
        Assert.True(results.All(r => r.StatusCode == HttpStatusCode.Created),
            string.Join("\n", results.Where(r => r.StatusCode != HttpStatusCode.Created).Select(r => $"{r.StatusCode} {r.Body}")) + _app.Logs.Errors());

        foreach (var g in groups)
        {
            Assert.Equal(3, await g.AssertInvariantsAsync());
            Assert.Equal(6, (await g.BalancesAsync()).GetProperty("pool").GetInt64());
        }
    }

    [Fact]
    public async Task Two_officials_reversing_the_same_entry_at_once_make_one_reversal()
    {
        var g = await LedgerData.GroupAsync(_app);
        var (_, treasurer, _) = await GroupData.AddActiveAsync(_app, g.Chair, g.GroupId, "treasurer");
        var entries = new List<Guid>();
        for (var i = 0; i < 6; i++)
            entries.Add(await g.ContributedEntryAsync(g.ChairMemberId, 1_000 + i, i % 2 == 0 ? "cash" : "mpesa", i % 2 == 0 ? null : LedgerData.MpesaReceipt()));

        foreach (var entry in entries)
        {
            using var start = new SemaphoreSlim(0);
            var both = new[] { g.Chair, treasurer }.Select(async client =>
            {
                await start.WaitAsync();
                var response = await g.ReverseAsync(entry, "duplicate", client: client);
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
            }).ToList();
            start.Release(2);
            var results = await Task.WhenAll(both);
            var statuses = results.Select(r => r.StatusCode).Order().ToList();
            Assert.True(statuses.SequenceEqual([HttpStatusCode.Created, HttpStatusCode.Conflict]),
                string.Join("\n", results.Select(r => $"{r.StatusCode} {r.Body}")) + _app.Logs.Errors());
            Assert.Equal(1, await LedgerData.CountAsync(g.ConnectionString, "SELECT count(*) FROM journal_entries WHERE reverses_entry_id = $1", entry));
        }
        Assert.Equal(12, await g.AssertInvariantsAsync());
        Assert.Equal(0, (await g.BalancesAsync()).GetProperty("pool").GetInt64());
    }

    [Fact]
    public async Task Verification_while_contributions_are_being_written_never_reports_a_false_tampering()
    {
        // ./pamoja verify runs nightly against a live database: it must read one consistent
        // snapshot of the head, the entries, the lines and the balances, or an honest write in
        // between looks like tampering.
        var g = await LedgerData.GroupAsync(_app);
        await g.ContributedEntryAsync(g.ChairMemberId, 1);
        var writing = Task.Run(async () =>
        {
            var batch = Enumerable.Range(1, 40).Select(i => g.ContributeAsync(g.ChairMemberId, i)).ToList();
            foreach (var response in await Task.WhenAll(batch))
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        });
        var reports = new List<JsonElement>();
        while (!writing.IsCompleted && reports.Count < 500)
            reports.Add(await g.VerifyAsync());
        await writing;
        reports.Add(await g.VerifyAsync());

        var invalid = reports.Where(r => !r.GetProperty("valid").GetBoolean()).ToList();
        Assert.True(invalid.Count == 0, $"{invalid.Count} of {reports.Count} verifications during writes said invalid, e.g. {invalid.FirstOrDefault()}");
        Assert.Equal(41, await g.AssertInvariantsAsync());
    }
}
